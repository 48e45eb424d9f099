package io.sluice.job.savepoint;

import io.sluice.job.window.WindowStats;
import io.sluice.local.EmbeddedKafka;
import io.sluice.testing.WindowOracle;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.util.EnvironmentInformation;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Takes a savepoint fixture with this commit's job, for {@link SavepointCompatibilityIT}: part 1 of
 * the fixture's readings into a fresh embedded Kafka, the real job graph on a MiniCluster over
 * them, and a canonical stop-with-savepoint once it has read them all, with windows still open.
 *
 * <p>Run it, from the repository root, whenever a change alters what the job keeps in state (a
 * state, its type or serializer, a uid, the source), before the release that ships the change, and
 * commit the new folder: it never overwrites one, so every savepoint an earlier release could have
 * taken keeps being restored by the test.
 *
 * <pre>
 * mvn -B -q -pl job -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp "job/target/test-classes:job/target/classes:$(cat job/target/test-classpath.txt)" \
 *   io.sluice.job.savepoint.CompatSavepoint NAME
 * </pre>
 *
 * It writes job/src/test/resources/savepoints/NAME/: {@code savepoint/}, {@code fixture.properties}
 * (the data, the job's settings, what the run saw) and {@code state-layout.txt} ({@link
 * SavepointLayout}).
 */
public final class CompatSavepoint {
    static final Path FIXTURES = Path.of("job/src/test/resources/savepoints");

    private CompatSavepoint() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].matches("[A-Za-z0-9._-]+")) {
            System.err.println("usage: CompatSavepoint NAME (a folder name, e.g. 0.2.0-hashmap)");
            System.exit(2);
        }
        if (!Files.isDirectory(FIXTURES)) {
            System.err.println("no " + FIXTURES + ": run from the repository root");
            System.exit(2);
        }
        Path target = FIXTURES.resolve(args[0]);
        if (Files.exists(target)) {
            System.err.println(target + " exists: fixtures are never overwritten; pick a new name");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("compat-savepoint");
        try {
            take(parameters(), target, work);
        } finally {
            delete(work);
        }
        System.out.println("wrote " + target);
        // Explicitly: a non-daemon thread left by Kafka or Flink must not keep the JVM up.
        System.exit(0);
    }

    /** The data and job settings of a new fixture. */
    private static Properties parameters() {
        Properties p = new Properties();
        p.setProperty(CompatFixture.TOPIC, "sluice.readings");
        // 20 tags at 10 Hz, from 40 s past a minute: part 1 ends at 08:02:10.5, inside the minute
        // [08:02, 08:03) and the second [08:02:10, 08:02:11); part 2 adds a minute.
        new CompatReadings.Plan(
                        7,
                        20,
                        10,
                        Instant.parse("2026-11-26T08:00:40Z"),
                        90_500,
                        60_000,
                        0.05,
                        1000,
                        4)
                .into(p);
        // The production defaults, spelled out, so that a change of default leaves the fixture as
        // it was taken. Idleness is long: a partition gone idle would let the watermark run on.
        p.setProperty("job.window.sizes", "1s,1m");
        p.setProperty("job.window.allowed-lateness.ms", "5000");
        p.setProperty("job.watermark.out-of-orderness.ms", "2000");
        p.setProperty("job.watermark.interval.ms", "200");
        p.setProperty("job.watermark.idleness.ms", "60000");
        p.setProperty("job.parallelism", "2");
        p.setProperty("job.max-parallelism", "128");
        p.setProperty("job.state.backend", "hashmap");
        return p;
    }

    private static void take(Properties p, Path target, Path work) throws Exception {
        CompatReadings.Plan plan = CompatReadings.Plan.of(p);
        CompatReadings readings = CompatReadings.of(plan);
        String topic = p.getProperty(CompatFixture.TOPIC);
        Map<String, String> job = new HashMap<>();
        p.stringPropertyNames().stream()
                .filter(k -> k.startsWith("job."))
                .forEach(k -> job.put(k, p.getProperty(k)));
        long closedUpTo =
                readings.watermarkAfterPart1(
                                Long.parseLong(job.get("job.watermark.out-of-orderness.ms")))
                        + 1;

        try (EmbeddedKafka kafka = new EmbeddedKafka(work.resolve("kafka")).start()) {
            kafka.createTopic(topic, plan.partitions());
            Map<Integer, Long> ends =
                    CompatReadings.produce(kafka.bootstrapServers(), topic, readings.part1());
            CompatJob run =
                    new CompatJob(
                            job,
                            topic,
                            kafka.bootstrapServers(),
                            job.get("job.state.backend"),
                            "savepoint");
            Map<String, WindowOracle.Row> expected =
                    closedBefore(
                            WindowOracle.expected(
                                    CompatReadings.readings(readings.part1()), run.windowSizesMs()),
                            closedUpTo);
            JobClient client = run.start(null);
            run.awaitRead(ends, client);
            awaitWindows(run, expected.size());
            String location =
                    client.stopWithSavepoint(
                                    false,
                                    work.resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);
            client.getJobExecutionResult().get(1, TimeUnit.MINUTES);

            assertEmittedExactly(run.history(), expected);
            assertThat(run.faults()).as("late readings, dead letters, faults").isEmpty();
            Path savepoint = target.resolve(CompatFixture.SAVEPOINT);
            copy(
                    location.startsWith("file:")
                            ? Path.of(URI.create(location))
                            : Path.of(location),
                    savepoint);

            describe(p, target, readings, ends, closedUpTo, expected.size());
        }
    }

    /** Writes fixture.properties (the parameters and what the run saw) and state-layout.txt. */
    private static void describe(
            Properties p,
            Path target,
            CompatReadings readings,
            Map<Integer, Long> part1Ends,
            long closedUpTo,
            int windowsBefore)
            throws Exception {
        p.setProperty(CompatFixture.CLOSED_UP_TO, Long.toString(closedUpTo));
        p.setProperty(CompatFixture.PART1_END_OFFSETS, CompatFixture.formatOffsets(part1Ends));
        p.setProperty(CompatFixture.PART1_SHA256, CompatReadings.checksum(readings.part1()));
        p.setProperty("savepoint.part1.records", Integer.toString(readings.part1().size()));
        p.setProperty("savepoint.part2.records", Integer.toString(readings.part2().size()));
        p.setProperty("savepoint.windows-before", Integer.toString(windowsBefore));
        String taken =
                String.format(
                        "Taken by CompatSavepoint with the job at commit %s, Flink %s, on %s.",
                        commit(),
                        EnvironmentInformation.getVersion(),
                        LocalDate.now(ZoneOffset.UTC));
        CompatFixture.write(
                target.resolve(CompatFixture.PROPERTIES),
                List.of(
                        "Savepoint fixture " + target.getFileName() + ". " + taken,
                        "topic.*, data.*: the readings (CompatReadings.Plan); part 1 was read"
                                + " before the savepoint, part 2 is read after the restore.",
                        "job.*: the job's settings over conf/sluice.properties, restored with"
                                + " the same.",
                        "savepoint.*: what the run saw. It emitted every window ending at or"
                                + " before closed-up-to ("
                                + Instant.ofEpochMilli(closedUpTo)
                                + "), and no other;",
                        "part 1's end offsets and checksum, which the restore test's own"
                                + " part 1 must match."),
                p);
        List<String> layout = new ArrayList<>();
        layout.add("# State in savepoint/ (SavepointLayout). " + taken);
        layout.add(
                "# A changed job restores each state only under the same operator uid and"
                        + " state name, with a serializer compatible with the snapshot below.");
        layout.addAll(SavepointLayout.describe(target.resolve(CompatFixture.SAVEPOINT)));
        Files.write(target.resolve(CompatFixture.LAYOUT), layout);
    }

    /** The windows that end at or before {@code closedUpTo}. */
    static Map<String, WindowOracle.Row> closedBefore(
            Map<String, WindowOracle.Row> windows, long closedUpTo) {
        Map<String, WindowOracle.Row> closed = new HashMap<>();
        windows.forEach(
                (key, row) -> {
                    if (row.start() + row.windowMs() <= closedUpTo) {
                        closed.put(key, row);
                    }
                });
        return closed;
    }

    private static void awaitWindows(CompatJob run, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (run.history().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + run.history().size() + " of " + count + " windows came");
            }
            Thread.sleep(100);
        }
    }

    /** Each expected window once, as the oracle has it, at revision 0; no other. */
    private static void assertEmittedExactly(
            List<WindowStats> emitted, Map<String, WindowOracle.Row> expected) {
        Map<String, WindowStats> byKey = new HashMap<>();
        for (WindowStats w : emitted) {
            String key = WindowOracle.key(w.tag, w.windowMs, w.windowStart);
            assertThat(byKey.put(key, w)).as("%s emitted twice", key).isNull();
        }
        assertThat(byKey.keySet()).isEqualTo(expected.keySet());
        expected.forEach(
                (key, row) -> {
                    OracleMatch.assertMatches(byKey.get(key), row);
                    assertThat(byKey.get(key).revision).as("revision %s", key).isZero();
                });
    }

    private static String commit() {
        try {
            Process git =
                    new ProcessBuilder("git", "describe", "--always", "--dirty")
                            .redirectErrorStream(true)
                            .start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
