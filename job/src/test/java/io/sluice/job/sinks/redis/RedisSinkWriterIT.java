package io.sluice.job.sinks.redis;

import io.sluice.job.window.WindowStats;
import io.sluice.local.EmbeddedRedisServer;
import io.sluice.update.GroupUpdate;
import io.sluice.update.TagUpdate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.sluice.job.sinks.redis.Windows.BEGINNING;
import static io.sluice.job.sinks.redis.Windows.MINUTE;
import static io.sluice.job.sinks.redis.Windows.SECOND;
import static io.sluice.job.sinks.redis.Windows.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The writer against a real redis-server: messages per group and window, latest values, revisions.
 */
class RedisSinkWriterIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir Path dir;
    private EmbeddedRedisServer redis;
    private RedisReader reader;
    private TestWriterInitContext context;
    private RedisSinkWriter writer;

    @BeforeEach
    void startRedis() {
        redis = new EmbeddedRedisServer(dir.resolve("redis")).start();
        reader = new RedisReader(redis.redisUrl());
        context = new TestWriterInitContext();
        writer = new RedisSinkWriter(options(), context);
    }

    @AfterEach
    void stop() throws Exception {
        writer.close();
        reader.close();
        redis.close();
    }

    private RedisSinkOptions options() {
        return RedisSinkOptions.builder()
                .withRedisUrl(redis.redisUrl())
                .withLingerMs(200)
                .withRetryInitialMs(20)
                .withRetryMaxMs(200)
                .withTimeoutMs(2000)
                .build();
    }

    @Test
    void oneMessagePerGroupAndWindowHoldsEveryTagOfTheGroup() throws Exception {
        List<String> tags =
                List.of(
                        "plant1.area01.pump001.pressure",
                        "plant1.area02.valve011.position",
                        "plant1.area01.pump001.flow",
                        "plant2.area01.motor001.current",
                        "plant1.area02.valve011.open",
                        "plant1.area01.tank002.level");
        // A window firing: the tags in key-hash order, groups interleaved; the 1 min window fires
        // too.
        for (String tag : tags) {
            writer.write(stats(tag, SECOND, 0, 4.5), null);
        }
        for (String tag : tags) {
            writer.write(stats(tag, MINUTE, 0, 4.5), null);
        }
        writer.flush(true);

        for (long size : new long[] {SECOND, MINUTE}) {
            List<GroupUpdate> messages = reader.stream(size);
            assertThat(messages).as("one message per group of the %d ms window", size).hasSize(3);
            assertThat(messages)
                    .allSatisfy(
                            m -> {
                                assertThat(m.windowMs()).isEqualTo(size);
                                assertThat(m.windowStart()).isEqualTo(BEGINNING);
                            });
            Map<String, List<String>> tagsByGroup =
                    messages.stream()
                            .collect(
                                    Collectors.toMap(
                                            GroupUpdate::group,
                                            m -> m.tags().stream().map(TagUpdate::name).toList()));
            assertThat(tagsByGroup)
                    .containsOnlyKeys("plant1.area01", "plant1.area02", "plant2.area01")
                    .containsEntry(
                            "plant1.area01",
                            List.of("pump001.pressure", "pump001.flow", "tank002.level"))
                    .containsEntry("plant1.area02", List.of("valve011.position", "valve011.open"))
                    .containsEntry("plant2.area01", List.of("motor001.current"));
        }
        TagUpdate pressure = reader.stream(SECOND).get(0).tags().get(0);
        assertThat(pressure)
                .isEqualTo(
                        new TagUpdate(
                                "pump001.pressure",
                                BEGINNING,
                                10,
                                4,
                                5,
                                4.5,
                                0.25,
                                4.5,
                                4.75,
                                io.sluice.reading.Quality.GOOD,
                                0));

        assertThat(context.numRecordsSend()).isEqualTo(12);
        assertThat(context.counter(RedisSinkMetrics.MESSAGES_SENT)).isEqualTo(6);
        assertThat(context.counter(RedisSinkMetrics.LATEST_WRITTEN)).isEqualTo(12);
        assertThat(context.gauge(RedisSinkMetrics.UP)).isEqualTo(1);
        assertThat(context.counter(RedisSinkMetrics.ERRORS)).isZero();
    }

    @Test
    void aGroupsWindowGoesWhenItsNextWindowStartsAndTheLastOneAfterTheLinger() throws Exception {
        writer.write(stats("plant1.area01.pump001.pressure", SECOND, 0, 4.5), null);
        writer.write(stats("plant1.area01.pump001.flow", SECOND, 0, 120), null);
        writer.write(stats("plant1.area01.pump001.pressure", SECOND, SECOND, 4.6), null);

        // No flush: the next window's first tag completed the first window.
        await().atMost(WAIT).until(() -> reader.stream(SECOND).size() == 1);
        GroupUpdate first = reader.stream(SECOND).get(0);
        assertThat(first.windowStart()).isEqualTo(BEGINNING);
        assertThat(first.tags())
                .extracting(TagUpdate::name)
                .containsExactly("pump001.pressure", "pump001.flow");

        context.advance(199);
        assertThat(context.gauge(RedisSinkMetrics.PENDING_MESSAGES)).isEqualTo(0);
        assertThat(reader.stream(SECOND)).hasSize(1);

        writer.write(stats("plant1.area01.pump001.flow", SECOND, SECOND, 121), null);
        context.advance(1); // the second window's batch is now as old as the linger
        await().atMost(WAIT).until(() -> reader.stream(SECOND).size() == 2);
        GroupUpdate second = reader.stream(SECOND).get(1);
        assertThat(second.windowStart()).isEqualTo(BEGINNING + SECOND);
        assertThat(second.tags())
                .extracting(TagUpdate::name)
                .containsExactly("pump001.pressure", "pump001.flow");
    }

    @Test
    void theLatestHashHoldsEachTagsNewestWindow() throws Exception {
        for (int w = 0; w < 3; w++) {
            writer.write(stats("plant1.area01.pump001.pressure", SECOND, w * SECOND, 4 + w), null);
            writer.write(stats("plant1.area01.tank002.level", SECOND, w * SECOND, 50 + w), null);
        }
        writer.flush(true);

        assertThat(reader.stream(SECOND))
                .extracting(GroupUpdate::windowStart)
                .containsExactly(BEGINNING, BEGINNING + SECOND, BEGINNING + 2 * SECOND);
        Map<String, TagUpdate> latest = reader.latest(SECOND, "plant1.area01");
        assertThat(latest).containsOnlyKeys("pump001.pressure", "tank002.level");
        assertThat(latest.get("pump001.pressure").windowStart()).isEqualTo(BEGINNING + 2 * SECOND);
        assertThat(latest.get("pump001.pressure").mean()).isEqualTo(6);
        assertThat(latest.get("tank002.level").mean()).isEqualTo(52);
        assertThat(latest.values())
                .containsExactlyElementsOf(
                        reader.stream(SECOND).get(2).tags().stream()
                                .sorted((a, b) -> a.name().compareTo(b.name()))
                                .toList());
    }

    @Test
    void aRevisionOfAnOlderWindowReachesTheStreamButDoesNotRegressTheLatestValue()
            throws Exception {
        String tag = "plant1.area01.pump001.pressure";
        writer.write(stats(tag, SECOND, 0, 4.0), null);
        writer.write(stats(tag, SECOND, SECOND, 5.0), null);
        writer.flush(true);

        WindowStats lateRevision = stats(tag, SECOND, 0, 4.2, 1);
        writer.write(lateRevision, null);
        writer.flush(true);

        List<GroupUpdate> messages = reader.stream(SECOND);
        assertThat(messages).hasSize(3);
        assertThat(messages.get(2).windowStart()).isEqualTo(BEGINNING);
        assertThat(messages.get(2).tags().get(0).revision()).isEqualTo(1);
        TagUpdate latest = reader.latest(SECOND, "plant1.area01").get("pump001.pressure");
        assertThat(latest.windowStart()).isEqualTo(BEGINNING + SECOND);
        assertThat(latest.mean()).isEqualTo(5.0);
        assertThat(context.counter(RedisSinkMetrics.LATEST_STALE)).isEqualTo(1);

        // A revision of the newest window does replace it.
        writer.write(stats(tag, SECOND, SECOND, 5.5, 1), null);
        writer.flush(true);
        latest = reader.latest(SECOND, "plant1.area01").get("pump001.pressure");
        assertThat(latest.windowStart()).isEqualTo(BEGINNING + SECOND);
        assertThat(latest.revision()).isEqualTo(1);
        assertThat(latest.mean()).isEqualTo(5.5);
    }

    @Test
    void aRestartedWriterReplayingOlderWindowsDoesNotRegressTheLatestValue() throws Exception {
        String tag = "plant1.area01.pump001.pressure";
        writer.write(stats(tag, SECOND, 5 * SECOND, 9.0), null);
        writer.flush(true);
        writer.close();

        // After a restore from a checkpoint the job emits older windows again; the compare is in
        // Redis.
        TestWriterInitContext restarted = new TestWriterInitContext();
        writer = new RedisSinkWriter(options(), restarted);
        writer.write(stats(tag, SECOND, 3 * SECOND, 7.0), null);
        writer.write(stats(tag, SECOND, 4 * SECOND, 8.0), null);
        writer.flush(true);

        assertThat(reader.stream(SECOND)).hasSize(3);
        TagUpdate latest = reader.latest(SECOND, "plant1.area01").get("pump001.pressure");
        assertThat(latest.windowStart()).isEqualTo(BEGINNING + 5 * SECOND);
        assertThat(latest.mean()).isEqualTo(9.0);
        // Both replayed values were kept out: by Redis, or the older one already while waiting,
        // when
        // the newer one of the same tag came before the publisher took them.
        assertThat(
                        restarted.counter(RedisSinkMetrics.LATEST_STALE)
                                + restarted.counter(RedisSinkMetrics.CONFLATED))
                .isEqualTo(2);
        assertThat(restarted.counter(RedisSinkMetrics.LATEST_STALE)).isPositive();
    }

    @Test
    void recordsThatCannotBecomeUpdatesAreCountedAndSkipped() throws Exception {
        WindowStats noTag = stats("x.y", SECOND, 0, 1);
        noTag.tag = null;
        WindowStats noWindow = stats("plant1.area01.a", 0, 0, 1);
        writer.write(noTag, null);
        writer.write(noWindow, null);
        writer.write(stats("plant1.area01.pump001.pressure", SECOND, 0, 4.5), null);
        writer.flush(true);

        assertThat(context.numRecordsOutErrors()).isEqualTo(2);
        assertThat(reader.stream(SECOND)).hasSize(1);
        assertThat(context.numRecordsSend()).isEqualTo(1);
    }
}
