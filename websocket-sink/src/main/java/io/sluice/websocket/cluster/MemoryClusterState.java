package io.sluice.websocket.cluster;

import org.eclipse.jetty.util.component.AbstractLifeCycle;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The cluster state of a single instance, in memory: nothing to share and no one to crash. Its
 * methods are synchronised, each a transition as atomic as the Redis script it stands for.
 */
public final class MemoryClusterState extends AbstractLifeCycle implements ClusterState {
    private final LongSupplier clockMs;
    private final Map<String, Long> subscriptions = new HashMap<>();
    private final Map<String, Map<String, String>> members = new HashMap<>();
    private final Map<String, Integer> connections = new HashMap<>();
    private final Map<String, Cached> cache = new HashMap<>();

    private record Cached(String event, long expiresMs) {}

    public MemoryClusterState() {
        this(System::currentTimeMillis);
    }

    public MemoryClusterState(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    private static String key(String appId, String channel) {
        return appId + '\n' + channel;
    }

    @Override
    public void listen(Reaped listener) {
        // nothing crashes away from a single instance
    }

    @Override
    public synchronized long subscribed(String appId, String channel) {
        return subscriptions.merge(key(appId, channel), 1L, Long::sum);
    }

    @Override
    public synchronized long unsubscribed(String appId, String channel) {
        String k = key(appId, channel);
        long n = subscriptions.getOrDefault(k, 0L) - 1;
        if (n <= 0) {
            subscriptions.remove(k);
            return 0;
        }
        subscriptions.put(k, n);
        return n;
    }

    @Override
    public synchronized Join join(
            String appId, String channel, String userId, String userInfo, int maxMembers) {
        String k = key(appId, channel);
        Map<String, String> m = members.computeIfAbsent(k, x -> new LinkedHashMap<>());
        String conn = k + '\n' + userId;
        int c = connections.getOrDefault(conn, 0);
        Join.Outcome outcome;
        if (c > 0) {
            outcome = Join.Outcome.ALREADY_MEMBER;
        } else if (m.size() >= maxMembers) {
            return new Join(Join.Outcome.FULL, new LinkedHashMap<>(m));
        } else {
            m.put(userId, userInfo);
            outcome = Join.Outcome.ADDED;
        }
        connections.put(conn, c + 1);
        return new Join(outcome, new LinkedHashMap<>(m));
    }

    @Override
    public synchronized boolean leave(String appId, String channel, String userId) {
        String k = key(appId, channel);
        String conn = k + '\n' + userId;
        int c = connections.getOrDefault(conn, 0) - 1;
        if (c > 0) {
            connections.put(conn, c);
            return false;
        }
        connections.remove(conn);
        Map<String, String> m = members.get(k);
        boolean removed = m != null && m.containsKey(userId);
        if (m != null) {
            m.remove(userId);
            if (m.isEmpty()) {
                members.remove(k);
            }
        }
        return removed;
    }

    @Override
    public synchronized Map<String, Long> channels(String appId) {
        Map<String, Long> out = new TreeMap<>();
        String prefix = appId + '\n';
        subscriptions.forEach(
                (k, n) -> {
                    if (k.startsWith(prefix)) {
                        out.put(k.substring(prefix.length()), n);
                    }
                });
        return out;
    }

    @Override
    public synchronized Map<String, String> members(String appId, String channel) {
        Map<String, String> m = members.get(key(appId, channel));
        return m == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m);
    }

    @Override
    public synchronized void cache(String appId, String channel, String event, Duration ttl) {
        cache.put(key(appId, channel), new Cached(event, clockMs.getAsLong() + ttl.toMillis()));
    }

    @Override
    public synchronized String cached(String appId, String channel) {
        Cached c = cache.get(key(appId, channel));
        if (c == null) {
            return null;
        }
        if (c.expiresMs <= clockMs.getAsLong()) {
            cache.remove(key(appId, channel));
            return null;
        }
        return c.event;
    }
}
