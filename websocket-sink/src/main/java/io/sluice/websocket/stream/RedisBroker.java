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
 * pushes new entries, and a pooled {@link RedisStore} serves the rest. Its two parts are its beans:
 * starting it starts the pool, then the reader; stopping it stops the reader, then closes the pool.
 */
public final class RedisBroker extends ContainerLifeCycle implements Broker {
    private final RedisStore store;
    private final StreamReader reader;

    /**
     * @param latestPrefix the job's latest-values hashes (redis.latest.prefix)
     * @param maxLen the cap of a stream this broker publishes to (redis.stream.maxlen)
     * @param poolSize the most pooled connections besides the reader's
     * @param block how long one XREAD BLOCK waits
     * @param count the most entries one XREAD takes
     */
    public RedisBroker(
            URI redisUrl,
            String latestPrefix,
            long maxLen,
            int poolSize,
            Duration block,
            int count) {
        store = new RedisStore(redisUrl, latestPrefix, maxLen, poolSize);
        reader = new StreamReader(redisUrl, block, count);
        addManaged(store);
        addManaged(reader);
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
