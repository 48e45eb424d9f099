package io.sluice.websocket.broker;

import io.sluice.websocket.cluster.ClusterState;

import org.eclipse.jetty.util.component.LifeCycle;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the hub needs from the store that carries messages between the job, the HTTP API and every
 * instance: named streams of entries, each at a {@link StreamPosition}, read live, read again after
 * a position, and the latest-values snapshot; as Centrifuge's Broker.
 *
 * <p>Redis Streams implement it for production ({@code stream.RedisBroker}), memory for tests
 * ({@link MemoryBroker}). A stream holds a capped number of entries: a position older than {@link
 * #first} has been trimmed away. The broker is part of the server's lifecycle: it reads while it
 * runs.
 */
public interface Broker extends LifeCycle {
    /**
     * Pushes every entry added to these streams after the broker starts into the handler, in order,
     * from one thread at a time. Call it once, before start.
     */
    void subscribe(Collection<String> streams, BrokerHandler handler);

    /** Appends an entry to a stream, trimmed to the broker's cap; returns its position. */
    StreamPosition publish(String stream, Map<String, String> fields);

    /** Entries after a position (not including it), oldest first, at most {@code max}. */
    List<BrokerEntry> after(String stream, StreamPosition after, int max);

    /** The oldest entry's position, or null for an empty stream. */
    StreamPosition first(String stream);

    /** The newest entry's position, or null for an empty stream. */
    StreamPosition last(String stream);

    /**
     * The latest values of one group (or of every group, for null) of a window size: group → (name
     * within the group → latest value), as the job keeps them.
     */
    Map<String, Map<String, String>> snapshot(long windowMs, String group);

    /**
     * The position of the last entry pushed from a subscribed stream, or {@link
     * StreamPosition#ZERO}.
     */
    StreamPosition delivered(String stream);

    /** True while the subscription reads (its last read or connect succeeded). */
    boolean isConnected();

    /** True when the store answers now. */
    boolean ping();

    /** What the instances on this broker share about their clients; a bean of the broker. */
    ClusterState cluster();
}
