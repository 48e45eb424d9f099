package io.sluice.job.sinks.redis;

import io.sluice.local.EmbeddedRedisServer;
import io.sluice.reading.Quality;
import io.sluice.update.TagUpdate;
import io.sluice.update.UpdateCodec;
import io.sluice.update.WindowVersionVectors;
import io.sluice.update.WindowVersionVectors.Vector;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The latest-hash script, run with EVAL in a real redis-server, against the vectors of {@link
 * io.sluice.update.WindowVersion} (conf/samples/updates/supersedes.tsv).
 */
class LatestScriptIT {
    private static final String HASH = "sluice:latest:1s:plant1.area03";
    private static final String FIELD = "pump007.pressure";

    @TempDir static Path dir;
    private static EmbeddedRedisServer redis;
    private static Jedis jedis;

    @BeforeAll
    static void startRedis() {
        redis = new EmbeddedRedisServer(dir.resolve("redis")).start();
        jedis = new Jedis(URI.create(redis.redisUrl()));
    }

    @AfterAll
    static void stop() {
        jedis.close();
        redis.close();
    }

    static List<Vector> vectors() {
        return WindowVersionVectors.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void setsTheFieldOnlyForWhatSupersedesIt(Vector v) {
        String held = latest(v.heldStart(), v.heldRevision(), 1.5);
        String candidate = latest(v.windowStart(), v.revision(), 2.5);
        jedis.del(HASH);
        jedis.hset(HASH, FIELD, held);

        Object written =
                jedis.eval(
                        RedisPublisher.LATEST_SCRIPT,
                        List.of(HASH),
                        List.of(
                                FIELD,
                                Long.toString(v.windowStart()),
                                Integer.toString(v.revision()),
                                candidate));

        assertThat(jedis.hget(HASH, FIELD))
                .as(v.toString())
                .isEqualTo(v.newWins() ? candidate : held);
        assertThat(written).as(v.toString()).isEqualTo(v.newWins() ? 1L : 0L);
    }

    /** A latest value as the sink writes it: {@code [s, the 9 figures ending with r]}. */
    private static String latest(long windowStart, int revision, double value) {
        TagUpdate u =
                new TagUpdate(
                        FIELD,
                        windowStart,
                        10,
                        value,
                        value,
                        value,
                        0,
                        value,
                        value,
                        Quality.GOOD,
                        revision);
        return new String(UpdateCodec.withDefaults().encodeLatest(u), StandardCharsets.UTF_8);
    }
}
