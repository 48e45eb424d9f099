package io.sluice.websocket.stream;

import io.sluice.websocket.broker.Broker;
import io.sluice.websocket.broker.BrokerEntry;
import io.sluice.websocket.broker.BrokerHandler;
import io.sluice.websocket.broker.StreamPosition;

import org.eclipse.jetty.util.component.ContainerLifeCycle;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The broker on Redis Streams: a {@link StreamReader} (XREAD BLOCK on a connection of its own)
 * pushes new entries, a pooled {@link RedisStore} serves the rest, and a {@link RedisClusterState}
 * on the same pool holds what the instances share. Its parts are its beans: starting it starts the
 * pool, the reader, then the cluster state; stopping goes in reverse, closing the pool last.
 */
public final class RedisBroker extends ContainerLifeCycle implements Broker {
    private final RedisStore store;
    private final StreamReader reader;
    private final RedisClusterState cluster;

    /**
     * @param latestPrefix the job's latest-values hashes (redis.latest.prefix)
     * @param maxLen the cap of a stream this broker publishes to (redis.stream.maxlen)
     * @param poolSize the most pooled connections besides the reader's
     * @param block how long one XREAD BLOCK waits
     * @param count the most entries one XREAD takes
     * @param clusterPrefix the prefix of the cluster state's keys
     * @param instanceTimeout how old a heartbeat makes an instance crashed
     */
    public RedisBroker(
            URI redisUrl,
            String latestPrefix,
            long maxLen,
            int poolSize,
            Duration block,
            int count,
            String clusterPrefix,
            Duration instanceTimeout) {
        store = new RedisStore(redisUrl, latestPrefix, maxLen, poolSize);
        reader = new StreamReader(redisUrl, block, count);
        cluster = new RedisClusterState(store.client(), clusterPrefix, instanceTimeout);
        addManaged(store);
        addManaged(reader);
        // After the pool, so it stops (and reaps itself) while the pool is still open.
        addManaged(cluster);
    }

    @Override
    public RedisClusterState cluster() {
        return cluster;
    }

    @Override
    public void subscribe(Collection<String> streams, BrokerHandler handler) {
        reader.subscribe(streams, handler);
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
        return reader.position(stream);
    }

    @Override
    public boolean isConnected() {
        return reader.isConnected();
    }

    @Override
    public boolean ping() {
        return store.ping();
    }
}
