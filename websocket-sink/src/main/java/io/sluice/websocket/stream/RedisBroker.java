package io.sluice.websocket.stream;

import io.sluice.update.RedisClients;
import io.sluice.websocket.broker.Broker;
import io.sluice.websocket.broker.BrokerEntry;
import io.sluice.websocket.broker.BrokerHandler;
import io.sluice.websocket.broker.StreamPosition;

import org.eclipse.jetty.util.component.ContainerLifeCycle;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The broker on Redis Streams: a {@link StreamReader} (XREAD BLOCK on a connection of its own)
 * pushes new entries, a pooled {@link RedisStore} serves the rest, and a {@link RedisClusterState}
 * on the same pool holds what the instances share. Its parts are its beans: starting it starts the
 * pool, the cluster state, then the readers; stopping goes in reverse, closing the pool last.
 *
 * <p>On a Redis Cluster the streams may live on different masters: one reader per hash slot reads
 * the streams of that slot, and they take turns in the handler, so it still sees one entry at a
 * time, each stream's in order.
 */
public final class RedisBroker extends ContainerLifeCycle implements Broker {
    private final RedisStore store;
    private final RedisClusterState cluster;
    private final URI firstNode;
    private final boolean clustered;
    private final Duration block;
    private final int count;
    private final List<StreamReader> readers = new ArrayList<>();

    /**
     * @param redisUrl redis.url: one Redis, or nodes of a Redis Cluster
     * @param clustered redis.cluster
     * @param latestPrefix the job's latest-values hashes (redis.latest.prefix)
     * @param maxLen the cap of a stream this broker publishes to (redis.stream.maxlen)
     * @param poolSize the most pooled connections besides the reader's
     * @param block how long one XREAD BLOCK waits
     * @param count the most entries one XREAD takes
     * @param clusterPrefix the prefix of the cluster state's keys
     * @param instanceTimeout how old a heartbeat makes an instance crashed
     */
    public RedisBroker(
            String redisUrl,
            boolean clustered,
            String latestPrefix,
            long maxLen,
            int poolSize,
            Duration block,
            int count,
            String clusterPrefix,
            Duration instanceTimeout) {
        store = new RedisStore(redisUrl, clustered, latestPrefix, maxLen, poolSize);
        cluster = new RedisClusterState(store.client(), clusterPrefix, instanceTimeout);
        this.firstNode = RedisClients.urls(redisUrl).get(0);
        this.clustered = clustered;
        this.block = block;
        this.count = count;
        addManaged(store);
        // After the pool, so it stops (and reaps itself) while the pool is still open.
        addManaged(cluster);
    }

    @Override
    public RedisClusterState cluster() {
        return cluster;
    }

    @Override
    public void subscribe(Collection<String> streams, BrokerHandler handler) {
        if (!readers.isEmpty()) {
            throw new IllegalStateException("subscribed already");
        }
        Map<Integer, List<String>> bySlot = new TreeMap<>();
        for (String stream : streams) {
            int slot = clustered ? JedisClusterCRC16.getSlot(stream) : 0;
            bySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(stream);
        }
        BrokerHandler oneAtATime =
                bySlot.size() == 1
                        ? handler
                        : (stream, entry) -> {
                            synchronized (handler) {
                                handler.onEntry(stream, entry);
                            }
                        };
        for (List<String> slotStreams : bySlot.values()) {
            StreamReader reader = new StreamReader(firstNode, block, count);
            reader.subscribe(slotStreams, oneAtATime);
            readers.add(reader);
            addManaged(reader);
        }
    }

    @Override
    public StreamPosition publish(String stream, Map<String, String> fields) {
        return store.add(stream, fields);
    }

    @Override
    public List<BrokerEntry> after(String stream, StreamPosition after, int max) {
        return store.after(stream, after, max);
    }

    @Override
    public StreamPosition first(String stream) {
        return store.first(stream);
    }

    @Override
    public StreamPosition last(String stream) {
        return store.last(stream);
    }

    @Override
    public Map<String, Map<String, String>> snapshot(long windowMs, String group) {
        return store.latest(windowMs, group);
    }

    @Override
    public StreamPosition delivered(String stream) {
        for (StreamReader reader : readers) {
            if (reader.reads(stream)) {
                return reader.position(stream);
            }
        }
        return StreamPosition.ZERO;
    }

    @Override
    public boolean isConnected() {
        return !readers.isEmpty() && readers.stream().allMatch(StreamReader::isConnected);
    }

    @Override
    public boolean ping() {
        return store.ping();
    }
}
