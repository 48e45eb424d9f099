package io.sluice.websocket.channel;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** This instance's channels and their subscribers. Thread-safe. */
public final class Hub {
    private final Map<String, Set<Subscriber>> channels = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptions = new AtomicInteger();

    /** Adds a subscriber; false when it was subscribed already. */
    public boolean subscribe(String channel, Subscriber subscriber) {
        boolean[] added = new boolean[1];
        channels.compute(
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
    public boolean unsubscribe(String channel, Subscriber subscriber) {
        boolean[] removed = new boolean[1];
        channels.computeIfPresent(
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
    public boolean hasSubscribers(String channel) {
        return channels.containsKey(channel);
    }

    /**
     * Gives a frame to every subscriber of the channel but the one with {@code exceptSocketId}
     * (null for none); returns how many took it.
     */
    public int publish(String channel, OutboundFrame frame, String exceptSocketId) {
        Set<Subscriber> set = channels.get(channel);
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

    /** Subscriptions across all channels. */
    public int subscriptions() {
        return subscriptions.get();
    }
}
