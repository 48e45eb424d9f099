package io.sluice.job.sinks.redis;

import io.sluice.update.GroupUpdate;
import io.sluice.update.RedisClients;
import io.sluice.update.TagUpdate;
import io.sluice.update.UpdateCodec;
import io.sluice.update.UpdateKeys;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads back what the sink wrote, through the shared codec, as websocket-sink will. */
final class RedisReader implements AutoCloseable {
    private final Jedis jedis;
    private final UpdateCodec codec = UpdateCodec.withDefaults();

    RedisReader(String redisUrl) {
        jedis = RedisClients.connect(URI.create(redisUrl));
    }

    /** The messages of a window size's stream, oldest first. */
    List<GroupUpdate> stream(long windowMs) {
        List<StreamEntry> entries =
                jedis.xrange(
                        UpdateKeys.streamKey(UpdateKeys.DEFAULT_STREAM_PREFIX, windowMs), "-", "+");
        return entries.stream()
                .map(
                        e ->
                                codec.decodeMessage(
                                        e.getFields().get(UpdateKeys.FIELD_GROUP),
                                        e.getFields()
                                                .get(UpdateKeys.FIELD_DATA)
                                                .getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    /**
     * The latest-values hash of a group and window size: name within the group -> its newest
     * window.
     */
    Map<String, TagUpdate> latest(long windowMs, String group) {
        Map<String, TagUpdate> decoded = new TreeMap<>();
        jedis.hgetAll(UpdateKeys.latestKey(UpdateKeys.DEFAULT_LATEST_PREFIX, windowMs, group))
                .forEach(
                        (name, value) ->
                                decoded.put(
                                        name,
                                        codec.decodeLatest(
                                                name, value.getBytes(StandardCharsets.UTF_8))));
        return decoded;
    }

    Jedis jedis() {
        return jedis;
    }

    @Override
    public void close() {
        jedis.close();
    }
}
