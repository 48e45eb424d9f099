package io.sluice.job.sinks.redis;

import io.sluice.local.EmbeddedRedisServer;
import io.sluice.update.GroupUpdate;
import io.sluice.update.TagUpdate;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.sluice.job.sinks.redis.Windows.BEGINNING;
import static io.sluice.job.sinks.redis.Windows.SECOND;
import static io.sluice.job.sinks.redis.Windows.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis down at the start, going down mid-run and coming back on the same port: the writer never
 * throws, keeps the newest value of each tag and a bounded backlog of messages, shows the outage in
 * its metrics and logs it once each way, and resumes by itself.
 */
class RedisOutageIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> TAGS =
            List.of(
                    "plant1.area01.pump001.pressure",
                    "plant1.area01.pump001.flow",
                    "plant1.area01.tank002.level");
    private static final String GROUP = "plant1.area01";

    @TempDir Path dir;
    private final int port = freePort();
    private final TestWriterInitContext context = new TestWriterInitContext();
    private EmbeddedRedisServer redis;
    private RedisSinkWriter writer;

    @AfterEach
    void stop() throws Exception {
        if (writer != null) {
            writer.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private RedisSinkWriter writer(long bufferMaxBytes) {
        return new RedisSinkWriter(
                RedisSinkOptions.builder()
                        .withRedisUrl("redis://127.0.0.1:" + port)
                        .withRetryInitialMs(20)
                        .withRetryMaxMs(200)
                        .withTimeoutMs(1000)
                        .withBufferMaxBytes(bufferMaxBytes)
                        .build(),
                context);
    }

    private EmbeddedRedisServer startRedis(String name) {
        return EmbeddedRedisServer.builder(dir.resolve(name)).port(port).start();
    }

    /**
     * Every tag of the group in 1 s window number {@code w}, each with value w, then the next
     * window's start sends it.
     */
    private void writeWindow(int w) throws Exception {
        for (String tag : TAGS) {
            writer.write(stats(tag, SECOND, w * SECOND, w), null);
        }
    }

    @Test
    void redisDownAtTheStartNeitherThrowsNorLosesTheNewestValues() throws Exception {
        try (LogCapture log = new LogCapture(RedisSink.class)) {
            writer = writer(1 << 20);
            for (int w = 0; w < 5; w++) {
                writeWindow(w);
                writer.flush(false);
            }
            writer.flush(true); // returns at once: Redis is down

            await().atMost(WAIT).until(() -> context.counter(RedisSinkMetrics.RETRIES) >= 3);
            assertThat(context.gauge(RedisSinkMetrics.UP)).isEqualTo(0);
            assertThat(context.counter(RedisSinkMetrics.ERRORS)).isGreaterThanOrEqualTo(3);
            assertThat(context.gauge(RedisSinkMetrics.PENDING_MESSAGES)).isEqualTo(5);
            assertThat(context.gauge(RedisSinkMetrics.PENDING_LATEST))
                    .as("one latest value per tag")
                    .isEqualTo(3);
            assertThat(context.counter(RedisSinkMetrics.CONFLATED)).isEqualTo(12);

            redis = startRedis("redis");
            await().atMost(WAIT).until(() -> context.counter(RedisSinkMetrics.MESSAGES_SENT) == 5);

            assertThat(context.gauge(RedisSinkMetrics.UP)).isEqualTo(1);
            assertThat(context.counter(RedisSinkMetrics.RECONNECTS)).isEqualTo(1);
            assertThat(context.numRecordsSend()).isEqualTo(15);
            try (RedisReader reader = new RedisReader(redis.redisUrl())) {
                assertThat(reader.stream(SECOND))
                        .extracting(GroupUpdate::windowStart)
                        .containsExactly(
                                BEGINNING,
                                BEGINNING + SECOND,
                                BEGINNING + 2 * SECOND,
                                BEGINNING + 3 * SECOND,
                                BEGINNING + 4 * SECOND);
                assertThat(reader.latest(SECOND, GROUP).values())
                        .hasSize(3)
                        .allSatisfy(
                                t -> assertThat(t.windowStart()).isEqualTo(BEGINNING + 4 * SECOND));
            }
            assertThat(log.at(Level.WARN)).hasSize(1).allMatch(l -> l.contains("is unreachable"));
            assertThat(log.at(Level.INFO)).hasSize(1).allMatch(l -> l.contains("answers again"));
        }
    }

    @Test
    void redisGoingDownMidRunKeepsTheWriterGoingAndItResumesWhenRedisIsBack() throws Exception {
        try (LogCapture log = new LogCapture(RedisSink.class)) {
            redis = startRedis("first");
            writer = writer(1 << 20);
            writeWindow(0);
            writer.flush(true);
            assertThat(context.counter(RedisSinkMetrics.MESSAGES_SENT)).isEqualTo(1);
            assertThat(context.gauge(RedisSinkMetrics.UP)).isEqualTo(1);

            redis.close();
            writeWindow(1);
            writer.flush(false);
            await().atMost(WAIT).until(() -> context.gauge(RedisSinkMetrics.UP).equals(0));
            for (int w = 2; w < 4; w++) {
                writeWindow(w);
                writer.flush(false);
            }
            writer.flush(true);
            await().atMost(WAIT).until(() -> context.counter(RedisSinkMetrics.RETRIES) >= 3);
            assertThat(context.counter(RedisSinkMetrics.MESSAGES_SENT)).isEqualTo(1);

            // The same port, a new (empty: nothing is persisted) redis-server, without its script.
            redis = startRedis("second");
            await().atMost(WAIT).until(() -> context.counter(RedisSinkMetrics.MESSAGES_SENT) == 4);
            assertThat(context.gauge(RedisSinkMetrics.UP)).isEqualTo(1);
            assertThat(context.counter(RedisSinkMetrics.RECONNECTS)).isEqualTo(1);
            try (RedisReader reader = new RedisReader(redis.redisUrl())) {
                assertThat(reader.stream(SECOND))
                        .extracting(GroupUpdate::windowStart)
                        .containsExactly(
                                BEGINNING + SECOND, BEGINNING + 2 * SECOND, BEGINNING + 3 * SECOND);
                assertThat(reader.latest(SECOND, GROUP).values())
                        .extracting(TagUpdate::windowStart)
                        .containsOnly(BEGINNING + 3 * SECOND);
            }

            // And it goes on as before.
            writeWindow(4);
            writer.flush(true);
            assertThat(context.counter(RedisSinkMetrics.MESSAGES_SENT)).isEqualTo(5);
            assertThat(log.at(Level.WARN)).hasSize(1).allMatch(l -> l.contains("is unreachable"));
            assertThat(log.at(Level.INFO)).hasSize(2).anyMatch(l -> l.contains("answers again"));
        }
    }

    @Test
    void aLongOutageKeepsTheBacklogBoundedAndTheNewestValueOfEachTag() throws Exception {
        long budget = 2048;
        writer = writer(budget);
        for (int w = 0; w < 100; w++) {
            writeWindow(w);
            writer.flush(false);
            assertThat((Long) context.gauge(RedisSinkMetrics.PENDING_BYTES))
                    .isLessThanOrEqualTo(budget);
        }
        long dropped = context.counter(RedisSinkMetrics.DROPPED_MESSAGES);
        long kept = ((Integer) context.gauge(RedisSinkMetrics.PENDING_MESSAGES)).longValue();
        assertThat(dropped).isGreaterThan(80);
        assertThat(dropped + kept).isEqualTo(100);
        assertThat(context.numRecordsSendErrors())
                .as("tag updates lost with the dropped messages")
                .isEqualTo(3 * dropped);
        assertThat(context.gauge(RedisSinkMetrics.PENDING_LATEST)).isEqualTo(3);

        redis = startRedis("redis");
        await().atMost(WAIT).until(() -> context.counter(RedisSinkMetrics.MESSAGES_SENT) == kept);
        try (RedisReader reader = new RedisReader(redis.redisUrl())) {
            List<GroupUpdate> messages = reader.stream(SECOND);
            assertThat(messages).hasSize((int) kept);
            assertThat(messages.get(messages.size() - 1).windowStart())
                    .as("the newest messages are kept")
                    .isEqualTo(BEGINNING + 99 * SECOND);
            Map<String, TagUpdate> latest = reader.latest(SECOND, GROUP);
            assertThat(latest.values())
                    .hasSize(3)
                    .allSatisfy(
                            t -> {
                                assertThat(t.windowStart()).isEqualTo(BEGINNING + 99 * SECOND);
                                assertThat(t.mean()).isEqualTo(99);
                            });
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
