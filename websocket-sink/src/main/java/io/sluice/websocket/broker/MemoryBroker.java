package io.sluice.websocket.broker;

import io.sluice.websocket.cluster.MemoryClusterState;

import org.eclipse.jetty.util.component.AbstractLifeCycle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A broker in this process's memory, for tests and for a single instance: the same positions (time,
 * then sequence, always increasing), the same cap on a stream's length (the oldest entries go
 * first), and the same order of delivery as Redis Streams, without Redis.
 *
 * <p>A publish pushes the entry into the handler at once, on the publishing thread, and in order:
 * publishes are serialised. The latest-values snapshot, which the job writes in production, is set
 * with {@link #putLatest}. Thread-safe.
 */
public final class MemoryBroker extends AbstractLifeCycle implements Broker {
    private final int maxLen;
    private final LongSupplier clockMs;
    private final Map<String, Deque<BrokerEntry>> streams = new HashMap<>();
    private final Map<Long, Map<String, Map<String, String>>> latest = new HashMap<>();
    private final Map<String, StreamPosition> delivered = new HashMap<>();
    private final Set<String> subscribed = new HashSet<>();
    private BrokerHandler handler;
    private final MemoryClusterState cluster = new MemoryClusterState();

    /**
     * @param maxLen the most entries a stream keeps
     */
    public MemoryBroker(int maxLen) {
        this(maxLen, System::currentTimeMillis);
    }

    /**
     * @param clockMs the time new positions are made from
     */
    public MemoryBroker(int maxLen, LongSupplier clockMs) {
        if (maxLen < 1) {
            throw new IllegalArgumentException("maxLen must be at least 1: " + maxLen);
        }
        this.maxLen = maxLen;
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    }

    @Override
    public synchronized void subscribe(Collection<String> streams, BrokerHandler handler) {
        if (this.handler != null) {
            throw new IllegalStateException("subscribed already");
        }
        this.handler = Objects.requireNonNull(handler, "handler");
        subscribed.addAll(streams);
    }

    @Override
    public synchronized StreamPosition publish(String stream, Map<String, String> fields) {
        Deque<BrokerEntry> entries = streams.computeIfAbsent(stream, s -> new ArrayDeque<>());
        StreamPosition last =
                entries.isEmpty() ? StreamPosition.ZERO : entries.getLast().position();
        BrokerEntry entry = new BrokerEntry(last.next(clockMs.getAsLong()), fields);
        entries.addLast(entry);
        while (entries.size() > maxLen) {
            entries.removeFirst();
        }
        if (handler != null && isRunning() && subscribed.contains(stream)) {
            delivered.put(stream, entry.position());
            handler.onEntry(stream, entry);
        }
        return entry.position();
    }

    @Override
    public synchronized List<BrokerEntry> after(String stream, StreamPosition after, int max) {
        List<BrokerEntry> out = new ArrayList<>();
        for (BrokerEntry e : streams.getOrDefault(stream, new ArrayDeque<>())) {
            if (out.size() >= max) {
                break;
            }
            if (e.position().compareTo(after) > 0) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized StreamPosition first(String stream) {
        Deque<BrokerEntry> e = streams.get(stream);
        return e == null || e.isEmpty() ? null : e.getFirst().position();
    }

    @Override
    public synchronized StreamPosition last(String stream) {
        Deque<BrokerEntry> e = streams.get(stream);
        return e == null || e.isEmpty() ? null : e.getLast().position();
    }

    /** Sets a latest value, as the job's sink does for the window it wrote last. */
    public synchronized void putLatest(long windowMs, String group, String name, String value) {
        latest.computeIfAbsent(windowMs, w -> new TreeMap<>())
                .computeIfAbsent(group, g -> new LinkedHashMap<>())
                .put(name, value);
    }

    @Override
    public synchronized Map<String, Map<String, String>> snapshot(long windowMs, String group) {
        Map<String, Map<String, String>> byGroup = new LinkedHashMap<>();
        latest.getOrDefault(windowMs, Map.of())
                .forEach(
                        (g, values) -> {
                            if (group == null || group.equals(g)) {
                                byGroup.put(g, new LinkedHashMap<>(values));
                            }
                        });
        return byGroup;
    }

    @Override
    public synchronized StreamPosition delivered(String stream) {
        return delivered.getOrDefault(stream, StreamPosition.ZERO);
    }

    @Override
    public boolean isConnected() {
        return isRunning();
    }

    @Override
    public boolean ping() {
        return true;
    }

    @Override
    public MemoryClusterState cluster() {
        return cluster;
    }
}
