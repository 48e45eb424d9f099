package io.sluice.job.sinks.redis;

import io.sluice.config.ConfigException;
import io.sluice.config.SluiceConfig;
import io.sluice.job.window.WindowStats;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisSinkOptionsTest {
    private static SluiceConfig config(Map<String, String> flags) {
        return SluiceConfig.load(Map.of(), flags);
    }

    @Test
    void theDefaultsOfTheConfFileAreTheDefaultConstants() {
        RedisSinkOptions fromConfig =
                RedisSinkOptions.fromConfig(config(Map.of("redis.url", "redis://127.0.0.1:6379")));
        assertThat(fromConfig).isEqualTo(RedisSinkOptions.defaults());
    }

    @Test
    void everyKeyReachesItsOption() {
        RedisSinkOptions o =
                RedisSinkOptions.fromConfig(
                        config(
                                Map.ofEntries(
                                        Map.entry("redis.url", "redis://cache.plant:6380/2"),
                                        Map.entry("redis.cluster", "true"),
                                        Map.entry("redis.group.depth", "3"),
                                        Map.entry("redis.stream.prefix", "s"),
                                        Map.entry("redis.stream.maxlen", "500"),
                                        Map.entry("redis.latest.prefix", "l"),
                                        Map.entry("redis.value.digits", "4"),
                                        Map.entry("redis.linger.ms", "50"),
                                        Map.entry("redis.retry.initial.ms", "10"),
                                        Map.entry("redis.retry.max.ms", "20"),
                                        Map.entry("redis.timeout.ms", "300"),
                                        Map.entry("redis.buffer.max.bytes", "4096"))));
        assertThat(o)
                .isEqualTo(
                        RedisSinkOptions.builder()
                                .withRedisUrl("redis://cache.plant:6380/2")
                                .withCluster(true)
                                .withGroupDepth(3)
                                .withStreamPrefix("s")
                                .withStreamMaxLen(500)
                                .withLatestPrefix("l")
                                .withValueDigits(4)
                                .withLingerMs(50)
                                .withRetryInitialMs(10)
                                .withRetryMaxMs(20)
                                .withTimeoutMs(300)
                                .withBufferMaxBytes(4096)
                                .build());
    }

    @Test
    void anUnresolvedEmbeddedRedisIsAnErrorThatSaysWhatToDo() {
        assertThatThrownBy(() -> RedisSinkOptions.fromConfig(config(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis.url = 'embedded' (from the defaults)")
                .hasMessageContaining("start the embedded Redis");
    }

    @Test
    void badValuesNameTheKeyTheValueAndTheSource() {
        assertThatThrownBy(
                        () ->
                                RedisSinkOptions.fromConfig(
                                        config(
                                                Map.of(
                                                        "redis.url",
                                                        "redis://h:1",
                                                        "redis.group.depth",
                                                        "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "redis.group.depth = '0' (from flag --redis.group.depth) is invalid: groupDepth must be at least 1, not 0");
        assertThatThrownBy(
                        () ->
                                RedisSinkOptions.fromConfig(
                                        config(Map.of("redis.url", "http://h:1"))))
                .hasMessageContaining("redis.url = 'http://h:1'")
                .hasMessageContaining("redis:// or rediss://");
        assertThatThrownBy(
                        () ->
                                RedisSinkOptions.fromConfig(
                                        config(
                                                Map.of(
                                                        "redis.url",
                                                        "redis://h:1",
                                                        "redis.retry.max.ms",
                                                        "5"))))
                .hasMessageContaining("redis.retry.max.ms = '5'")
                .hasMessageContaining("must not be less than redis.retry.initial.ms (100)");
    }

    @Test
    void aUrlWithoutAPortGetsTheDefaultOneAndLogLinesShowNoPassword() {
        RedisSinkOptions o =
                RedisSinkOptions.builder().withRedisUrl("redis://user:secret@cache.plant").build();
        assertThat(o.redisUrl()).isEqualTo("redis://user:secret@cache.plant:6379");
        assertThat(o.redisAddress()).isEqualTo("cache.plant:6379");
        assertThat(o.toString()).doesNotContain("secret");
    }

    @Test
    void aRedisClusterTakesSeveralNodesWhichOneRedisCannot() {
        RedisSinkOptions o =
                RedisSinkOptions.fromConfig(
                        config(
                                Map.of(
                                        "redis.cluster",
                                        "true",
                                        "redis.url",
                                        "redis://:pw@10.0.0.1:7000,redis://10.0.0.2")));
        assertThat(o.cluster()).isTrue();
        assertThat(o.redisUrl()).isEqualTo("redis://:pw@10.0.0.1:7000,redis://10.0.0.2:6379");
        assertThat(o.redisAddress()).isEqualTo("Redis Cluster 10.0.0.1:7000,10.0.0.2:6379");

        assertThatThrownBy(
                        () ->
                                RedisSinkOptions.fromConfig(
                                        config(Map.of("redis.url", "redis://a:1,redis://b:2"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis.url = 'redis://a:1,redis://b:2'")
                .hasMessageContaining("set redis.cluster=true");
    }

    @Test
    void optionsAndTheSinkSurviveJavaSerialization() throws Exception {
        RedisSink sink =
                RedisSink.builder()
                        .withOptions(RedisSinkOptions.builder().withGroupDepth(3).build())
                        .build();
        RedisSink copy = roundTrip(sink);
        assertThat(copy.options()).isEqualTo(sink.options()).hasSameHashCodeAs(sink.options());
    }

    @Test
    void theSinkNeedsItsOptionsAndKeysByChannelGroup() throws Exception {
        assertThatThrownBy(() -> RedisSink.builder().build())
                .hasMessageContaining("needs its options");

        WindowStats stats = Windows.stats("plant1.area03.pump007.pressure", 1000, 0, 1);
        assertThat(
                        RedisSink.builder()
                                .withOptions(RedisSinkOptions.defaults())
                                .build()
                                .groupKeySelector()
                                .getKey(stats))
                .isEqualTo("plant1.area03");
        assertThat(roundTrip(new ChannelGroupKeySelector(1)).getKey(stats)).isEqualTo("plant1");
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
