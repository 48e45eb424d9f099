package io.sluice.deploy;

import io.sluice.config.SluiceConfig;
import io.sluice.local.LocalServices;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;
import io.sluice.simulator.RunSummary;
import io.sluice.simulator.Simulator;
import io.sluice.simulator.SimulatorSettings;
import io.sluice.testing.WindowOracle;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job at parallelism 2 on two TaskManagers of a cluster.sh cluster, fed by the simulator with
 * every fault (out of order, late within the allowed lateness, duplicates, malformed); one
 * TaskManager is killed with SIGKILL three times during the run and a new one started each time.
 * Afterwards every stored window equals the oracle recomputed from the simulator's copy of what it
 * sent. Prints the time from each kill to the first window stored by the restarted job.
 *
 * <p>The size of the run is {@code -Drecovery.readings} (default 1,000,000) at {@code
 * -Drecovery.rate} readings a second (default 20,000).
 */
class RecoveryIT {
    private static final String TOPIC = "sluice.readings";
    private static final int PARTITIONS = 4;
    private static final int TAGS = 1000;
    private static final Instant START = Instant.parse("2026-11-26T08:00:00Z");
    private static final long[] SIZES = {1000, 60_000};
    private static final Pattern TASKMANAGER =
            Pattern.compile("(taskmanager-\\d+) pid (\\d+) running");

    @TempDir Path dir;
    private LocalServices services;
    private ClusterCommands c;

    @BeforeEach
    void start() throws Exception {
        services = LocalServices.builder().dataDirectory(dir).start();
        services.createTopic(TOPIC, PARTITIONS);
        c = new ClusterCommands(dir, services);
        c.start("--taskmanagers", "2", "--slots", "1");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            c.run(0, c.cluster("stop"));
        } finally {
            services.close();
        }
    }

    @Test
    void killedTaskManagersLoseAndRepeatNoWindow() throws Exception {
        long readings = Long.getLong("recovery.readings", 1_000_000);
        long rate = Long.getLong("recovery.rate", 20_000);
        long began = System.nanoTime();
        String jobId =
                ClusterCommands.jobIdOf(
                        c.run(
                                0,
                                c.submit(
                                        "run",
                                        "--job.parallelism",
                                        "2",
                                        "--job.checkpoint.interval.ms",
                                        "1000")));
        c.awaitOrShowLogs(
                "the job runs", Duration.ofSeconds(60), () -> c.jobState(jobId).equals("RUNNING"));

        Path copy = dir.resolve("sent.ndjson");
        StringWriter progress = new StringWriter();
        Simulator simulator =
                new Simulator(
                        SimulatorSettings.fromConfig(
                                simulatorConfig(readings, rate, copy), Clock.systemUTC()),
                        ReadingCodec.withDefaults(),
                        new PrintWriter(progress, true));
        AtomicBoolean stopSimulator = new AtomicBoolean();
        CompletableFuture<RunSummary> run =
                CompletableFuture.supplyAsync(() -> simulator.run(stopSimulator));
        List<String> recoveries = new ArrayList<>();
        try {
            c.awaitOrShowLogs("the first windows", Duration.ofSeconds(60), () -> storedRows() > 0);
            for (int kill = 1; kill <= 3; kill++) {
                long at = readings * kill / 4;
                c.awaitOrShowLogs(
                        "the simulator past " + at,
                        Duration.ofMinutes(5),
                        () -> simulator.sent() >= at || run.isDone());
                recoveries.add(killATaskManagerAndRecover(jobId, kill));
            }
            RunSummary summary = run.get(10, TimeUnit.MINUTES);
            long sentAt = System.nanoTime();

            List<Reading> sent = read(copy);
            long newest = sent.stream().mapToLong(r -> r.ts).max().orElseThrow();
            // Windows that ended 10 s of event time before the newest reading: closed, and past
            // every late reading the simulator sent (late.max.ms 4 s) and the 2 s out-of-orderness.
            long settled = newest - 10_000;
            Map<String, WindowOracle.Row> oracle = new HashMap<>();
            WindowOracle.expected(sent, SIZES)
                    .forEach(
                            (key, row) -> {
                                if (row.start() + row.windowMs() <= settled) {
                                    oracle.put(key, row);
                                }
                            });
            c.awaitOrShowLogs(
                    "every settled window stored",
                    Duration.ofMinutes(3),
                    () -> stored(settled).size() >= oracle.size());
            Map<String, double[]> stored = stored(settled);
            long missing = oracle.keySet().stream().filter(k -> !stored.containsKey(k)).count();
            long unexpected = stored.keySet().stream().filter(k -> !oracle.containsKey(k)).count();
            long wrong =
                    oracle.entrySet().stream()
                            .filter(e -> stored.containsKey(e.getKey()))
                            .filter(e -> !same(stored.get(e.getKey()), values(e.getValue())))
                            .count();
            List<String> wrongRows =
                    oracle.entrySet().stream()
                            .filter(e -> stored.containsKey(e.getKey()))
                            .filter(e -> !same(stored.get(e.getKey()), values(e.getValue())))
                            .limit(5)
                            .map(
                                    e ->
                                            e.getKey()
                                                    + ": stored "
                                                    + Arrays.toString(stored.get(e.getKey()))
                                                    + ", oracle "
                                                    + Arrays.toString(values(e.getValue())))
                            .toList();
            String counts =
                    String.format(
                            "RecoveryIT: %,d readings sent (%,d records with the faults) in %.0f s,"
                                    + " 3 TaskManagers killed; %,d windows settled: %d missing,"
                                    + " %d unexpected, %d wrong; whole run %.0f s",
                            sent.size(),
                            summary.sent(),
                            (sentAt - began) / 1e9,
                            oracle.size(),
                            missing,
                            unexpected,
                            wrong,
                            (System.nanoTime() - began) / 1e9);
            System.out.println(String.join("\n", recoveries) + "\n" + counts);
            assertThat(summary.sent()).isGreaterThanOrEqualTo(readings);
            assertThat(summary.failed()).as(summary.firstError()).isZero();
            assertThat(List.of(missing, unexpected, wrong))
                    .as("%s%n%s", counts, String.join("\n", wrongRows))
                    .containsOnly(0L);
        } finally {
            stopSimulator.set(true);
            run.handle((s, e) -> s).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Kills the first TaskManager that runs, starts another, and waits for the job to run again and
     * store a window; "kill N: ..." with the times.
     */
    private String killATaskManagerAndRecover(String jobId, int kill) throws Exception {
        Matcher tm = TASKMANAGER.matcher(c.run(0, c.cluster("status")));
        assertThat(tm.find()).as("a running TaskManager").isTrue();
        long killedAt = System.currentTimeMillis();
        new ProcessBuilder("kill", "-9", tm.group(2)).start().waitFor();
        Path stat = Path.of("/proc", tm.group(2), "stat");
        c.awaitOrShowLogs(
                "the killed TaskManager gone",
                Duration.ofSeconds(10),
                () -> !Files.exists(stat) || Files.readString(stat).matches(".*\\) Z .*"));
        c.run(0, c.cluster("add-taskmanager"));
        c.awaitOrShowLogs(
                "the job leaves RUNNING after kill " + kill,
                Duration.ofSeconds(60),
                () -> !c.jobState(jobId).equals("RUNNING"));
        c.awaitOrShowLogs(
                "the job RUNNING again after kill " + kill,
                Duration.ofSeconds(120),
                () -> c.jobState(jobId).equals("RUNNING") && allTasksRunning(jobId));
        long runningAt = System.currentTimeMillis();
        long[] firstWindow = new long[1];
        c.awaitOrShowLogs(
                "a window stored after kill " + kill,
                Duration.ofSeconds(120),
                () -> (firstWindow[0] = firstUpdateAfter(runningAt)) > 0);
        return String.format(
                "RecoveryIT: kill %d of %s: running again %,d ms after the kill, first window stored"
                        + " %,d ms after the kill",
                kill, tm.group(1), runningAt - killedAt, firstWindow[0] - killedAt);
    }

    private boolean allTasksRunning(String jobId) throws Exception {
        String job = c.get("/jobs/" + jobId);
        Matcher counts = Pattern.compile("\"status-counts\":\\{([^}]*)\\}").matcher(job);
        int running = 0;
        int other = 0;
        while (counts.find()) {
            for (String kv : counts.group(1).split(",")) {
                String[] parts = kv.replace("\"", "").split(":");
                int n = Integer.parseInt(parts[1]);
                if (parts[0].equals("RUNNING")) {
                    running += n;
                } else {
                    other += n;
                }
            }
        }
        return running > 0 && other == 0;
    }

    private SluiceConfig simulatorConfig(long readings, long rate, Path copy) {
        return SluiceConfig.load(
                Map.of(),
                Map.ofEntries(
                        Map.entry("kafka.bootstrap.servers", services.kafkaBootstrapServers()),
                        Map.entry("kafka.topic.readings", TOPIC),
                        Map.entry("kafka.topic.partitions", "" + PARTITIONS),
                        Map.entry("simulator.tags", "" + TAGS),
                        Map.entry("simulator.count", "" + readings),
                        Map.entry("simulator.rate", "" + rate),
                        Map.entry("simulator.start.time", START.toString()),
                        Map.entry("simulator.faults.out-of-order.fraction", "0.05"),
                        Map.entry("simulator.faults.late.fraction", "0.01"),
                        Map.entry("simulator.faults.late.max.ms", "4000"),
                        Map.entry("simulator.faults.duplicate.fraction", "0.01"),
                        Map.entry("simulator.faults.malformed.fraction", "0.001"),
                        Map.entry("simulator.copy.file", copy.toString())));
    }

    /** The stored windows that ended by {@code settled}: key to {@link #values}. */
    private Map<String, double[]> stored(long settled) throws Exception {
        Map<String, double[]> rows = new HashMap<>();
        try (Connection db = connect();
                PreparedStatement st =
                        db.prepareStatement(
                                "SELECT tag, window_ms, window_start, count, sum, min, max, first_value, last_value"
                                        + " FROM window_stats WHERE window_end <= ?")) {
            st.setTimestamp(1, new Timestamp(settled));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.put(
                            WindowOracle.key(
                                    rs.getString(1), rs.getLong(2), rs.getTimestamp(3).getTime()),
                            values(
                                    rs.getLong(4),
                                    rs.getDouble(5),
                                    rs.getDouble(6),
                                    rs.getDouble(7),
                                    rs.getDouble(8),
                                    rs.getDouble(9)));
                }
            }
        }
        return rows;
    }

    private static double[] values(WindowOracle.Row r) {
        return values(r.count(), r.sum(), r.min(), r.max(), r.firstValue(), r.lastValue());
    }

    private static double[] values(
            long count, double sum, double min, double max, double first, double last) {
        return new double[] {count, sum, min, max, first, last};
    }

    /** Equal, but for the sum's last bits: the job adds the readings in another order. */
    private static boolean same(double[] stored, double[] oracle) {
        for (int i = 0; i < stored.length; i++) {
            double tolerance = i == 1 ? 1e-9 * Math.max(1, Math.abs(oracle[i])) : 0;
            if (Math.abs(stored[i] - oracle[i]) > tolerance) {
                return false;
            }
        }
        return true;
    }

    private long storedRows() throws Exception {
        try (Connection db = connect();
                ResultSet rs =
                        db.createStatement().executeQuery("SELECT count(*) FROM window_stats")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first updated_at after a wall-clock time, in epoch ms; 0 if none yet. */
    private long firstUpdateAfter(long epochMs) throws Exception {
        try (Connection db = connect();
                PreparedStatement st =
                        db.prepareStatement(
                                "SELECT min(updated_at) FROM window_stats WHERE updated_at > ?")) {
            st.setTimestamp(1, new Timestamp(epochMs));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return t == null ? 0 : t.getTime();
            }
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(
                services.jdbcUrl(), services.jdbcUser(), services.jdbcPassword());
    }

    private static List<Reading> read(Path copy) throws Exception {
        ReadingCodec codec = ReadingCodec.withDefaults();
        List<Reading> readings = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(copy, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Reading r = new Reading();
                assertThat(codec.decode(line.getBytes(StandardCharsets.UTF_8), r)).isNull();
                readings.add(r);
            }
        }
        return readings;
    }
}
