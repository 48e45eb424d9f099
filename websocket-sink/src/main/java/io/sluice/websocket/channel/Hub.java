package io.sluice.websocket.channel;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This instance's channels and their subscribers, per app: two apps' channels of the same name are
 * two channels. A channel's subscribers are kept per {@link FanoutLanes lane}, so a frame's
 * deliveries run on every lane at once. Thread-safe.
 */
public final class Hub {
    private final Map<String, Map<String, Lanes>> apps = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final FanoutLanes lanes;

    /** A hub that delivers on the publishing thread alone. */
    public Hub() {
        this(FanoutLanes.inline());
    }

    public Hub(FanoutLanes lanes) {
        this.lanes = Objects.requireNonNull(lanes, "lanes");
    }

    /** A channel's subscribers, a set per lane. */
    private static final class Lanes {
        private final Set<Subscriber>[] sets;

        @SuppressWarnings("unchecked")
        Lanes(int n) {
            sets = new Set[n];
            for (int i = 0; i < n; i++) {
                sets[i] = ConcurrentHashMap.newKeySet();
            }
        }

        int size() {
            int n = 0;
            for (Set<Subscriber> set : sets) {
                n += set.size();
            }
            return n;
        }
    }

    private Map<String, Lanes> channels(String appId) {
        return apps.computeIfAbsent(appId, id -> new ConcurrentHashMap<>());
    }

    /** Adds a subscriber; false when it was subscribed already. */
    public boolean subscribe(String appId, String channel, Subscriber subscriber) {
        boolean[] added = new boolean[1];
        int lane = lanes.laneOf(subscriber);
        channels(appId)
                .compute(
                        channel,
                        (name, l) -> {
                            Lanes c = l != null ? l : new Lanes(lanes.lanes());
                            added[0] = c.sets[lane].add(subscriber);
                            return c;
                        });
        if (added[0]) {
            subscriptions.incrementAndGet();
        }
        return added[0];
    }

    /** Removes a subscriber; false when it was not subscribed. */
    public boolean unsubscribe(String appId, String channel, Subscriber subscriber) {
        boolean[] removed = new boolean[1];
        int lane = lanes.laneOf(subscriber);
        channels(appId)
                .computeIfPresent(
                        channel,
                        (name, c) -> {
                            removed[0] = c.sets[lane].remove(subscriber);
                            return c.size() == 0 ? null : c;
                        });
        if (removed[0]) {
            subscriptions.decrementAndGet();
        }
        return removed[0];
    }

    /** True when anyone here listens to the channel, so a publisher can skip making its frame. */
    public boolean hasSubscribers(String appId, String channel) {
        Map<String, Lanes> channels = apps.get(appId);
        return channels != null && channels.containsKey(channel);
    }

    /** True when anyone of any app listens to the channel (the job's updates serve every app). */
    public boolean hasSubscribersInAnyApp(String channel) {
        for (Map<String, Lanes> channels : apps.values()) {
            if (channels.containsKey(channel)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives a frame to every subscriber of the app's channel but the one with {@code
     * exceptSocketId} (null for none), each on its lane.
     */
    public void publish(String appId, String channel, OutboundFrame frame, String exceptSocketId) {
        Map<String, Lanes> channels = apps.get(appId);
        if (channels != null) {
            publish(channels.get(channel), frame, exceptSocketId);
        }
    }

    /** Gives a frame to the subscribers of the channel in every app. */
    public void publishInEveryApp(String channel, OutboundFrame frame) {
        for (Map<String, Lanes> channels : apps.values()) {
            publish(channels.get(channel), frame, null);
        }
    }

    private void publish(Lanes c, OutboundFrame frame, String exceptSocketId) {
        if (c == null) {
            return;
        }
        // The other lanes first, so they write while this thread does lane 0.
        for (int i = c.sets.length - 1; i >= 0; i--) {
            Set<Subscriber> set = c.sets[i];
            if (!set.isEmpty()) {
                lanes.run(i, () -> deliver(set, frame, exceptSocketId));
            }
        }
    }

    private static void deliver(Set<Subscriber> set, OutboundFrame frame, String exceptSocketId) {
        for (Subscriber s : set) {
            if (exceptSocketId == null || !exceptSocketId.equals(s.socketId())) {
                s.deliver(frame);
            }
        }
    }

    /** The app's channels with subscribers here, and how many each has. */
    public Map<String, Integer> channelsOf(String appId) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        Map<String, Lanes> channels = apps.get(appId);
        if (channels != null) {
            channels.forEach((name, c) -> counts.put(name, c.size()));
        }
        return counts;
    }

    /** Subscriptions across all apps and channels. */
    public int subscriptions() {
        return subscriptions.get();
    }
}
