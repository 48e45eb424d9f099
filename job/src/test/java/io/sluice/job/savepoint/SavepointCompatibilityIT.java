package io.sluice.job.savepoint;

import io.sluice.job.window.WindowStats;
import io.sluice.local.EmbeddedKafka;
import io.sluice.reading.Reading;
import io.sluice.testing.WindowOracle;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every committed savepoint fixture (src/test/resources/savepoints/, taken by {@link
 * CompatSavepoint} with an earlier job) restores into this commit's job, in both state backends,
 * and the restored job completes the windows the savepoint held open as if it had never stopped.
 *
 * <p>Each run produces the fixture's readings, both parts, into a fresh Kafka topic (part 1 at the
 * same offsets as when the savepoint was taken), restores the savepoint with no state left
 * unrestored, reads part 2 and ends with a drain, whose final watermark closes every window. Then
 * every window it emitted must equal {@link WindowOracle}'s over all the readings, and it must have
 * emitted exactly the windows the savepoint's run had not: a job that read from offset 0 emits
 * those again; one that lost the windows' state misses part 1's readings in the windows that span
 * the savepoint (a minute and a second of each tag hold readings of both parts) and never emits the
 * seconds that only part 1 filled but the savepoint's watermark had not closed.
 *
 * <p>A change that fails here breaks the restore of a savepoint that production may hold: make it
 * compatible (each fixture's state-layout.txt lists what it must stay compatible with), or give it
 * a migration; never edit or drop an old fixture to make the test pass.
 */
class SavepointCompatibilityIT {
    /** A restored job's revisions start here: its restore epoch is at least 1 (TagWindows). */
    private static final int FIRST_RESTORED_REVISION = 1 << 16;

    private static final List<String> BACKENDS = List.of("hashmap", "rocksdb");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** One Kafka per fixture, holding both parts: fixtures may share a topic name. */
    private static final Map<String, EmbeddedKafka> KAFKA = new HashMap<>();

    private static final Map<String, Map<Integer, Long>> END_OFFSETS = new HashMap<>();
    private static Path work;

    @BeforeAll
    static void workFolder() throws Exception {
        work = Files.createTempDirectory("savepoint-compat");
    }

    @AfterAll
    static void stopKafka() throws Exception {
        KAFKA.values().forEach(EmbeddedKafka::close);
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static Path fixtures() throws Exception {
        return Path.of(SavepointCompatibilityIT.class.getResource("/savepoints").toURI());
    }

    static Stream<Arguments> fixturesAndBackends() throws Exception {
        List<Path> fixtures = CompatFixture.all(fixtures());
        assertThat(fixtures).as("savepoint fixtures in %s", fixtures()).isNotEmpty();
        return fixtures.stream()
                .map(f -> f.getFileName().toString())
                .flatMap(f -> BACKENDS.stream().map(backend -> Arguments.of(f, backend)));
    }

    @ParameterizedTest(name = "{0} into {1}")
    @MethodSource("fixturesAndBackends")
    void theRestoredJobCompletesTheWindowsTheSavepointHeld(String name, String backend)
            throws Exception {
        CompatFixture fixture = CompatFixture.load(fixtures().resolve(name));
        CompatReadings readings = CompatReadings.of(fixture.plan());
        EmbeddedKafka kafka = kafkaWithBothParts(fixture, readings);
        CompatJob run =
                CompatJob.of(
                        fixture, kafka.bootstrapServers(), backend, fixture.name() + "/" + backend);

        JobClient job = run.start(fixture.savepoint().toString());
        run.awaitRead(END_OFFSETS.get(fixture.name()), job);
        job.stopWithSavepoint(
                        true,
                        work.resolve("drained").toUri().toString(),
                        SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);

        Map<String, WindowOracle.Row> oracle =
                WindowOracle.expected(readings.all(), run.windowSizesMs());
        Map<String, WindowStats> emitted = byKey(run.history());
        long closedUpTo = fixture.closedUpTo();
        assertNoneEmittedAgain(emitted, closedUpTo);
        assertSpanningWindowsComplete(emitted, oracle, readings, run.windowSizesMs());
        Set<String> expected = new TreeSet<>();
        oracle.forEach(
                (key, row) -> {
                    if (row.start() + row.windowMs() > closedUpTo) {
                        expected.add(key);
                    }
                });
        assertEveryLaterWindowEqualsTheOracle(emitted, oracle, expected);
        assertThat(byKey(run.live()).keySet())
                .as("the windows sent to the live sink")
                .isEqualTo(expected);
        assertThat(run.faults()).as("late readings, dead letters and fault counts").isEmpty();
    }

    /** A window the savepoint's run had emitted comes again if offsets or windows were lost. */
    private static void assertNoneEmittedAgain(Map<String, WindowStats> emitted, long closedUpTo) {
        Set<String> again = new TreeSet<>();
        emitted.forEach(
                (key, w) -> {
                    if (w.windowEnd() <= closedUpTo) {
                        again.add(key);
                    }
                });
        assertThat(again)
                .as(
                        "windows the savepoint's run had emitted, emitted again: the restored job"
                                + " read part 1 again (source offsets not restored) or lost its"
                                + " windows' state")
                .isEmpty();
    }

    /**
     * The windows with readings of both parts: without the restored state they would miss part 1's
     * readings.
     */
    private static void assertSpanningWindowsComplete(
            Map<String, WindowStats> emitted,
            Map<String, WindowOracle.Row> oracle,
            CompatReadings readings,
            long[] sizesMs) {
        Set<String> spanning = new TreeSet<>();
        for (long size : sizesMs) {
            Set<String> both = windows(CompatReadings.readings(readings.part1()), size);
            both.retainAll(windows(CompatReadings.readings(readings.part2()), size));
            spanning.addAll(both);
        }
        // The fixture's own promise: each tag has such a window in each size.
        Set<String> tags = new TreeSet<>();
        readings.part1().forEach(s -> tags.add(s.reading().tag));
        assertThat(spanning.stream().map(k -> k.substring(0, k.lastIndexOf('|'))).distinct())
                .as("tags and sizes with a window that holds readings of both parts")
                .hasSize(sizesMs.length * tags.size());
        Set<String> missing = new TreeSet<>(spanning);
        missing.removeAll(emitted.keySet());
        assertThat(missing).as("windows that span the savepoint, not emitted").isEmpty();
        for (String key : spanning) {
            OracleMatch.assertMatches(
                    emitted.get(key),
                    oracle.get(key),
                    " (spans the savepoint: its part-1 readings come from the restored state)");
        }
    }

    /**
     * Exactly the windows that end after the savepoint's watermark, each as the oracle has it, each
     * in the restore epoch.
     */
    private static void assertEveryLaterWindowEqualsTheOracle(
            Map<String, WindowStats> emitted,
            Map<String, WindowOracle.Row> oracle,
            Set<String> expected) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(emitted.keySet());
        assertThat(missing)
                .as("windows missing after the restore, of %d expected", expected.size())
                .isEmpty();
        assertThat(emitted.keySet()).isEqualTo(expected);
        for (String key : expected) {
            WindowStats w = emitted.get(key);
            OracleMatch.assertMatches(w, oracle.get(key));
            assertThat(w.revision)
                    .as("revision of %s: the restore epoch (state restore-epoch) went on", key)
                    .isGreaterThanOrEqualTo(FIRST_RESTORED_REVISION);
        }
    }

    /**
     * The fixture's Kafka: its topic with part 1, which must be what the savepoint was taken over,
     * then part 2.
     */
    private static EmbeddedKafka kafkaWithBothParts(CompatFixture fixture, CompatReadings readings)
            throws Exception {
        EmbeddedKafka known = KAFKA.get(fixture.name());
        if (known != null) {
            return known;
        }
        assertThat(CompatReadings.checksum(readings.part1()))
                .as(
                        "part 1 made from %s: CompatReadings must make exactly what the savepoint"
                                + " was taken over",
                        fixture.name())
                .isEqualTo(fixture.part1Checksum());
        EmbeddedKafka kafka = new EmbeddedKafka(work.resolve("kafka-" + fixture.name())).start();
        KAFKA.put(fixture.name(), kafka);
        kafka.createTopic(fixture.topic(), fixture.plan().partitions());
        Map<Integer, Long> part1 =
                CompatReadings.produce(kafka.bootstrapServers(), fixture.topic(), readings.part1());
        assertThat(part1).as("part 1's end offsets").isEqualTo(fixture.part1EndOffsets());
        END_OFFSETS.put(
                fixture.name(),
                CompatReadings.produce(
                        kafka.bootstrapServers(), fixture.topic(), readings.part2()));
        return kafka;
    }

    private static Set<String> windows(List<Reading> readings, long size) {
        return readings.stream()
                .map(r -> WindowOracle.key(r.tag, size, Math.floorDiv(r.ts, size) * size))
                .collect(Collectors.toCollection(HashSet::new));
    }

    /** The windows by key; each may come only once (this data has no late reading to revise). */
    private static Map<String, WindowStats> byKey(List<WindowStats> windows) {
        Map<String, WindowStats> byKey = new HashMap<>();
        List<String> twice = new ArrayList<>();
        for (WindowStats w : windows) {
            String key = WindowOracle.key(w.tag, w.windowMs, w.windowStart);
            if (byKey.put(key, w) != null) {
                twice.add(key);
            }
        }
        assertThat(twice).as("windows emitted more than once").isEmpty();
        return byKey;
    }
}
