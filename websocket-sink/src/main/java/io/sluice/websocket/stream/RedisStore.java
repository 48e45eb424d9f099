package io.sluice.websocket.stream;

import io.sluice.update.RedisClients;
import io.sluice.update.UpdateKeys;
import io.sluice.websocket.broker.BrokerEntry;
import io.sluice.websocket.broker.StreamPosition;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pooled Redis commands besides the stream reader's: snapshots from the latest-values hashes,
 * stream ranges for a resuming client, the HTTP API's events, and health. Thread-safe; stopping it
 * closes the pool.
 */
final class RedisStore extends AbstractLifeCycle {
    private final UnifiedJedis redis;
    private final String latestPrefix;
    private final long maxLen;

    /**
     * @param poolSize the most pooled connections (catch-ups, HTTP API publishes, health)
     */
    RedisStore(String redisUrl, boolean cluster, String latestPrefix, long maxLen, int poolSize) {
        this.redis =
                RedisClients.pooled(
                        Objects.requireNonNull(redisUrl, "redisUrl"),
                        cluster,
                        RedisClients.config(),
                        poolSize);
        this.latestPrefix = Objects.requireNonNull(latestPrefix, "latestPrefix");
        this.maxLen = maxLen;
    }

    /** The pooled client, which the cluster state shares. */
    UnifiedJedis client() {
        return redis;
    }

    static StreamPosition position(StreamEntryID id) {
        return new StreamPosition(id.getTime(), id.getSequence());
    }

    static StreamEntryID id(StreamPosition position) {
        return new StreamEntryID(position.ms(), position.seq());
    }

    static BrokerEntry entry(StreamEntry e) {
        return new BrokerEntry(position(e.getID()), e.getFields());
    }

    /** The newest entry's position, or null for an empty or missing stream. */
    StreamPosition last(String stream) {
        List<StreamEntry> e = redis.xrevrange(stream, "+", "-", 1);
        return e.isEmpty() ? null : position(e.get(0).getID());
    }

    /** The oldest entry's position, or null for an empty or missing stream. */
    StreamPosition first(String stream) {
        List<StreamEntry> e = redis.xrange(stream, "-", "+", 1);
        return e.isEmpty() ? null : position(e.get(0).getID());
    }

    /** Entries after a position (not including it), oldest first, at most {@code max}. */
    List<BrokerEntry> after(String stream, StreamPosition after, int max) {
        List<BrokerEntry> out = new ArrayList<>();
        for (StreamEntry e : redis.xrange(stream, "(" + after, "+", max)) {
            out.add(entry(e));
        }
        return out;
    }

    /**
     * The latest values of one group (or of every group, for null) of a window size: group → (name
     * within the group → latest value).
     */
    Map<String, Map<String, String>> latest(long windowMs, String group) {
        Map<String, Map<String, String>> byGroup = new LinkedHashMap<>();
        if (group != null) {
            Map<String, String> values =
                    redis.hgetAll(UpdateKeys.latestKey(latestPrefix, windowMs, group));
            if (!values.isEmpty()) {
                byGroup.put(group, values);
            }
            return byGroup;
        }
        String prefix = UpdateKeys.latestKey(latestPrefix, windowMs, "");
        List<String> keys = new ArrayList<>();
        // Every master of a cluster in turn, or the one Redis.
        ScanIteration scan = redis.scanIteration(1000, prefix + "*");
        while (!scan.isIterationCompleted()) {
            keys.addAll(scan.nextBatch().getResult());
        }
        keys.sort(null);
        for (String key : keys) {
            Map<String, String> values = redis.hgetAll(key);
            if (!values.isEmpty()) {
                byGroup.put(key.substring(prefix.length()), values);
            }
        }
        return byGroup;
    }

    /** Appends an entry to a stream, trimmed like the update streams. */
    StreamPosition add(String stream, Map<String, String> fields) {
        return position(
                redis.xadd(
                        stream,
                        XAddParams.xAddParams().maxLen(maxLen).approximateTrimming(),
                        fields));
    }

    /** True when Redis answers. */
    boolean ping() {
        try {
            return "PONG".equals(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    protected void doStop() throws Exception {
        redis.close();
        super.doStop();
    }
}
