package io.sluice.websocket.stream;

import io.sluice.update.UpdateKeys;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pooled Redis commands besides the stream reader's: snapshots from the latest-values hashes,
 * stream ranges for a resuming client, the HTTP API's events, and health. Thread-safe.
 */
public final class RedisStore implements AutoCloseable {
    private final RedisClient redis;
    private final String latestPrefix;
    private final long maxLen;

    public RedisStore(URI redisUrl, String latestPrefix, long maxLen) {
        this.redis = RedisClient.create(Objects.requireNonNull(redisUrl, "redisUrl"));
        this.latestPrefix = Objects.requireNonNull(latestPrefix, "latestPrefix");
        this.maxLen = maxLen;
    }

    /** The newest entry's id, or null for an empty or missing stream. */
    public StreamEntryID lastId(String stream) {
        List<StreamEntry> e = redis.xrevrange(stream, "+", "-", 1);
        return e.isEmpty() ? null : e.get(0).getID();
    }

    /** The oldest entry's id, or null for an empty or missing stream. */
    public StreamEntryID firstId(String stream) {
        List<StreamEntry> e = redis.xrange(stream, "-", "+", 1);
        return e.isEmpty() ? null : e.get(0).getID();
    }

    /** Entries after an id (not including it), oldest first, at most {@code max}. */
    public List<StreamEntry> after(String stream, StreamEntryID id, int max) {
        return redis.xrange(stream, "(" + id, "+", max);
    }

    /**
     * The latest values of one group (or of every group, for null) of a window size: group → (name
     * within the group → latest value).
     */
    public Map<String, Map<String, String>> latest(long windowMs, String group) {
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
        ScanParams params = new ScanParams().match(prefix + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        keys.sort(null);
        for (String key : keys) {
            Map<String, String> values = redis.hgetAll(key);
            if (!values.isEmpty()) {
                byGroup.put(key.substring(prefix.length()), values);
            }
        }
        return byGroup;
    }

    /** Appends an event to the events stream, trimmed like the update streams. */
    public StreamEntryID addEvent(String stream, EventEntry event) {
        return redis.xadd(
                stream,
                XAddParams.xAddParams().maxLen(maxLen).approximateTrimming(),
                event.toFields());
    }

    /** True when Redis answers. */
    public boolean ping() {
        try {
            return "PONG".equals(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
