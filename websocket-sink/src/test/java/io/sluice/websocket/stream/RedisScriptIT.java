package io.sluice.websocket.stream;

import io.sluice.websocket.testing.SinkFixture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A script runs by its SHA-1 on a real Redis, and again after that Redis forgot it. */
class RedisScriptIT {
    @RegisterExtension final SinkFixture fixture = new SinkFixture();

    private final RedisScript incr =
            new RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");

    @Test
    void runsByItsSha1AndSendsTheTextOnlyWhenRedisDoesNotKnowIt() {
        var redis = fixture.redis();
        redis.scriptFlush();
        assertThat(incr.run(redis, List.of("n"), List.of("2"))).isEqualTo(2L);
        // The fallback cached it under the SHA-1 computed here.
        assertThat(redis.scriptExists(List.of(incr.sha1()))).containsExactly(true);
        assertThat(redis.evalsha(incr.sha1(), List.of("n"), List.of("3"))).isEqualTo(5L);

        redis.scriptFlush(); // as after a Redis restart
        assertThat(redis.scriptExists(List.of(incr.sha1()))).containsExactly(false);
        assertThat(incr.run(redis, List.of("n"), List.of("1"))).isEqualTo(6L);
    }
}
