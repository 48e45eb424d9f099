package io.sluice.websocket.channel;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This instance's channels and their subscribers, per app: two apps' channels of the same name are
 * two channels. Thread-safe.
 */
public final class Hub {
    private final Map<String, Map<String, Set<Subscriber>>> apps = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptions = new AtomicInteger();

    private Map<String, Set<Subscriber>> channels(String appId) {
        return apps.computeIfAbsent(appId, id -> new ConcurrentHashMap<>());
    }

    /** Adds a subscriber; false when it was subscribed already. */
    public boolean subscribe(String appId, String channel, Subscriber subscriber) {
        boolean[] added = new boolean[1];
        channels(appId)
                .compute(
                        channel,
                        (name, set) -> {
                            Set<Subscriber> s = set != null ? set : ConcurrentHashMap.newKeySet();
                            added[0] = s.add(subscriber);
                            return s;
                        });
        if (added[0]) {
            subscriptions.incrementAndGet();
        }
        return added[0];
    }

    /** Removes a subscriber; false when it was not subscribed. */
    public boolean unsubscribe(String appId, String channel, Subscriber subscriber) {
        boolean[] removed = new boolean[1];
        channels(appId)
                .computeIfPresent(
                        channel,
                        (name, set) -> {
                            removed[0] = set.remove(subscriber);
                            return set.isEmpty() ? null : set;
                        });
        if (removed[0]) {
            subscriptions.decrementAndGet();
        }
        return removed[0];
    }

    /** True when anyone here listens to the channel, so a publisher can skip making its frame. */
    public boolean hasSubscribers(String appId, String channel) {
        Map<String, Set<Subscriber>> channels = apps.get(appId);
        return channels != null && channels.containsKey(channel);
    }

    /** True when anyone of any app listens to the channel (the job's updates serve every app). */
    public boolean hasSubscribersInAnyApp(String channel) {
        for (Map<String, Set<Subscriber>> channels : apps.values()) {
            if (channels.containsKey(channel)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives a frame to every subscriber of the app's channel but the one with {@code
     * exceptSocketId} (null for none); returns how many took it.
     */
    public int publish(String appId, String channel, OutboundFrame frame, String exceptSocketId) {
        Map<String, Set<Subscriber>> channels = apps.get(appId);
        return channels == null ? 0 : publish(channels.get(channel), frame, exceptSocketId);
    }

    /** Gives a frame to the subscribers of the channel in every app; returns how many took it. */
    public int publishInEveryApp(String channel, OutboundFrame frame) {
        int n = 0;
        for (Map<String, Set<Subscriber>> channels : apps.values()) {
            n += publish(channels.get(channel), frame, null);
        }
        return n;
    }

    private static int publish(Set<Subscriber> set, OutboundFrame frame, String exceptSocketId) {
        if (set == null) {
            return 0;
        }
        int n = 0;
        for (Subscriber s : set) {
            if (exceptSocketId == null || !exceptSocketId.equals(s.socketId())) {
                s.deliver(frame);
                n++;
            }
        }
        return n;
    }

    /** The app's channels with subscribers here, and how many each has. */
    public Map<String, Integer> channelsOf(String appId) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        Map<String, Set<Subscriber>> channels = apps.get(appId);
        if (channels != null) {
            channels.forEach((name, set) -> counts.put(name, set.size()));
        }
        return counts;
    }

    /** Subscriptions across all apps and channels. */
    public int subscriptions() {
        return subscriptions.get();
    }
}
