package io.sluice.job;

import io.sluice.config.SluiceConfig;
import io.sluice.job.window.WindowStats;
import io.sluice.testing.WindowOracle;
import io.sluice.update.GroupUpdate;
import io.sluice.update.RedisClients;
import io.sluice.update.TagUpdate;
import io.sluice.update.UpdateCodec;
import io.sluice.update.UpdateKeys;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Checks that what the job wrote to Redis (stream messages and latest hashes) agrees with the
 * stored rows.
 */
final class RedisAgreement {
    private RedisAgreement() {}

    static void assertRedisAgreesWith(
            Map<String, WindowStats> rows, SluiceConfig config, String redisUrl) {
        UpdateCodec codec = UpdateCodec.fromConfig(config);
        int depth = config.getInt("redis.group.depth");
        String streamPrefix = config.get("redis.stream.prefix");
        String latestPrefix = config.get("redis.latest.prefix");
        try (Jedis redis = RedisClients.connect(URI.create(redisUrl))) {
            // The newest revision the stream carried for each window.
            Map<String, TagUpdate> streamed = new HashMap<>();
            for (long size :
                    rows.values().stream().mapToLong(w -> w.windowMs).distinct().toArray()) {
                List<StreamEntry> entries =
                        redis.xrange(UpdateKeys.streamKey(streamPrefix, size), "-", "+");
                for (StreamEntry e : entries) {
                    String group = e.getFields().get(UpdateKeys.FIELD_GROUP);
                    GroupUpdate update =
                            codec.decodeMessage(
                                    group,
                                    e.getFields()
                                            .get(UpdateKeys.FIELD_DATA)
                                            .getBytes(StandardCharsets.UTF_8));
                    for (TagUpdate t : update.tags()) {
                        streamed.merge(
                                WindowOracle.key(t.tag(group), size, t.windowStart()),
                                t,
                                (a, b) -> b.revision() >= a.revision() ? b : a);
                    }
                }
            }
            assertThat(streamed.keySet()).as("windows in the stream").isEqualTo(rows.keySet());
            rows.forEach((key, row) -> assertSame(key, row, streamed.get(key)));

            // The latest hash holds each tag's newest window.
            Map<String, WindowStats> newest = new HashMap<>();
            rows.values()
                    .forEach(
                            w ->
                                    newest.merge(
                                            w.tag + "|" + w.windowMs,
                                            w,
                                            (a, b) -> b.windowStart > a.windowStart ? b : a));
            newest.forEach(
                    (key, row) -> {
                        String group = UpdateKeys.groupOf(row.tag, depth);
                        String value =
                                redis.hget(
                                        UpdateKeys.latestKey(latestPrefix, row.windowMs, group),
                                        UpdateKeys.nameInGroup(row.tag, depth));
                        assertThat(value).as("latest value of %s", key).isNotNull();
                        TagUpdate latest =
                                codec.decodeLatest(
                                        UpdateKeys.nameInGroup(row.tag, depth),
                                        value.getBytes(StandardCharsets.UTF_8));
                        assertThat(latest.windowStart())
                                .as("latest window of %s", key)
                                .isEqualTo(row.windowStart);
                        assertSame("latest " + key, row, latest);
                    });
        }
    }

    private static void assertSame(String at, WindowStats row, TagUpdate t) {
        assertThat(t.count()).as("count %s", at).isEqualTo(row.count);
        assertThat(t.min()).as("min %s", at).isEqualTo(row.min);
        assertThat(t.max()).as("max %s", at).isEqualTo(row.max);
        assertThat(t.last()).as("last %s", at).isEqualTo(row.lastValue);
        assertThat(t.quality()).as("quality %s", at).isEqualTo(row.worstQuality);
        assertThat(t.revision()).as("revision %s", at).isEqualTo(row.revision);
        // Six significant digits on the wire.
        assertThat(t.mean())
                .as("mean %s", at)
                .isCloseTo(row.mean, within(1e-5 * Math.max(1, Math.abs(row.mean))));
        assertThat(t.twa())
                .as("twa %s", at)
                .isCloseTo(row.twa(), within(1e-5 * Math.max(1, Math.abs(row.twa()))));
    }
}
