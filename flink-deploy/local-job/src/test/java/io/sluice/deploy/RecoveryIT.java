package io.sluice.deploy;

import io.sluice.config.SluiceConfig;
import io.sluice.local.LocalServices;
import io.sluice.local.Service;
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
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job at parallelism 2 on two TaskManagers of a cluster.sh cluster, fed by the simulator with
 * every fault (out of order, late within the allowed lateness, duplicates, malformed), through two
 * kinds of failure; afterwards every stored window equals the oracle recomputed from the
 * simulator's copy of what it sent.
 *
 * <ul>
 *   <li>{@link #killedTaskManagersLoseAndRepeatNoWindow}: one TaskManager is killed with SIGKILL
 *       three times during the run and a new one started each time. Prints the time from each kill
 *       to the first window stored by the restarted job. {@code -Drecovery.readings} readings
 *       (default 1,000,000; 5,000,000 in the long profile).
 *   <li>{@link #restartedRedisAndPostgresLoseAndRepeatNoWindow}: Redis is restarted mid-run (it
 *       comes back empty), then PostgreSQL (with its data), while a websocket-sink instance serves
 *       the live updates to a client that resumes as the dashboard does; the client must have seen
 *       every window of its group's tags, from its first to its last, with no gap. {@code
 *       -Drecovery.restart.readings} readings (default 1,000,000).
 * </ul>
 *
 * Both at {@code -Drecovery.rate} readings a second (default 20,000).
 */
class RecoveryIT {
    private static final String TOPIC = "sluice.readings";
    private static final String LATE_TOPIC = "sluice.readings.late";
    private static final int PARTITIONS = 4;
    private static final int TAGS = 1000;
    private static final Instant START = Instant.parse("2026-11-26T08:00:00Z");
    private static final long[] SIZES = {1000, 60_000};

    /** The channel group whose updates the websocket-sink client follows. */
    private static final String GROUP = "plant1.area03";

    private static final Pattern TASKMANAGER =
            Pattern.compile("(taskmanager-\\d+) pid (\\d+) running");

    @TempDir Path dir;
    private LocalServices services;
    private ClusterCommands c;
    private Process sink;

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
            if (sink != null) {
                sink.destroy();
                sink.waitFor(30, TimeUnit.SECONDS);
            }
            services.close();
        }
    }

    @Test
    void killedTaskManagersLoseAndRepeatNoWindow() throws Exception {
        long readings = Long.getLong("recovery.readings", 1_000_000);
        long began = System.nanoTime();
        String jobId = submitJob();
        SimulatorRun run = startSimulator(readings);
        List<String> recoveries = new ArrayList<>();
        try {
            c.awaitOrShowLogs("the first windows", Duration.ofSeconds(60), () -> storedRows() > 0);
            for (int kill = 1; kill <= 3; kill++) {
                run.awaitSent(readings * kill / 4);
                recoveries.add(killATaskManagerAndRecover(jobId, kill));
            }
            RunSummary summary = run.finish();
            long sentAt = System.nanoTime();
            Comparison oracle = compareWithOracle(run.sent());
            String counts =
                    String.format(
                            "RecoveryIT: %,d readings sent (%,d records with the faults) in %.0f s,"
                                    + " 3 TaskManagers killed; %s; whole run %.0f s",
                            run.sent().size(),
                            summary.sent(),
                            (sentAt - began) / 1e9,
                            oracle,
                            (System.nanoTime() - began) / 1e9);
            System.out.println(String.join("\n", recoveries) + "\n" + counts);
            assertThat(summary.sent()).isGreaterThanOrEqualTo(readings);
            assertThat(summary.failed()).as(summary.firstError()).isZero();
            oracle.assertExact(counts);
        } finally {
            run.stop();
        }
    }

    @Test
    void restartedRedisAndPostgresLoseAndRepeatNoWindow() throws Exception {
        long readings = Long.getLong("recovery.restart.readings", 1_000_000);
        // -Drecovery.restart.services=REDIS restarts Redis alone.
        List<Service> restarted =
                Arrays.stream(
                                System.getProperty("recovery.restart.services", "REDIS,POSTGRES")
                                        .split(","))
                        .map(String::trim)
                        .map(Service::valueOf)
                        .toList();
        long began = System.nanoTime();
        int sinkPort = startWebSocketSink();
        String jobId = submitJob();
        List<String> recoveries = new ArrayList<>();
        try (ResumingClient client =
                new ResumingClient(sinkPort, "scada-key", "scada-data." + GROUP)) {
            SimulatorRun run = startSimulator(readings);
            try {
                c.awaitOrShowLogs(
                        "the first windows, to the database and the client",
                        Duration.ofSeconds(60),
                        () -> storedRows() > 0 && !client.updates().isEmpty());
                // Spread over the run: at a third Redis, at two thirds PostgreSQL.
                for (int i = 0; i < restarted.size(); i++) {
                    run.awaitSent(readings * (i + 1) / (restarted.size() + 1));
                    recoveries.add(restartAndRecover(restarted.get(i), jobId, client));
                }
                RunSummary summary = run.finish();
                long sentAt = System.nanoTime();
                Comparison oracle = compareWithOracle(run.sent());
                List<String> gaps = gaps(client.updates(), oracle.all);
                long clientWindows =
                        client.updates().stream()
                                .filter(u -> u.windowMs() == 1000)
                                .flatMap(u -> u.tags().stream().map(t -> t + "|" + u.start()))
                                .distinct()
                                .count();
                String counts =
                        String.format(
                                "RecoveryIT: %,d readings sent (%,d records with the faults) in %.0f"
                                        + " s, %s restarted, the job restarted"
                                        + " %s times; %s; the websocket-sink client saw %,d windows"
                                        + " of %d tags in %,d updates (%d reconnects), %d missing;"
                                        + " whole run %.0f s",
                                run.sent().size(),
                                summary.sent(),
                                (sentAt - began) / 1e9,
                                restarted.stream()
                                        .map(Service::displayName)
                                        .collect(Collectors.joining(" then ")),
                                restarts(jobId),
                                oracle,
                                clientWindows,
                                client.updates().stream()
                                        .flatMap(u -> u.tags().stream())
                                        .distinct()
                                        .count(),
                                client.updates().size(),
                                client.reconnectsAtMs().size(),
                                gaps.size(),
                                (System.nanoTime() - began) / 1e9);
                System.out.println(String.join("\n", recoveries) + "\n" + counts);
                assertThat(summary.sent()).isGreaterThanOrEqualTo(readings);
                assertThat(summary.failed()).as(summary.firstError()).isZero();
                assertThat(client.unreadable()).isEmpty();
                oracle.assertExact(counts);
                assertThat(gaps).as("%s%nwebsocket-sink: %s", counts, sinkLog()).isEmpty();
            } finally {
                run.stop();
            }
        }
    }

    /**
     * Restarts Redis or PostgreSQL and waits for the next window stored, and given to the client;
     * "Redis restart: ..." with the times.
     */
    private String restartAndRecover(Service service, String jobId, ResumingClient client)
            throws Exception {
        long restartAt = System.currentTimeMillis();
        services.restart(service);
        long backAt = System.currentTimeMillis();
        long[] stored = new long[1];
        long[] updated = new long[1];
        c.awaitOrShowLogs(
                "a window stored and given to the client after the " + service + " restart",
                Duration.ofSeconds(120),
                () ->
                        (stored[0] = firstUpdateAfter(backAt)) > 0
                                && (updated[0] = client.firstUpdateAfter(backAt)) > 0);
        c.awaitOrShowLogs(
                "the job RUNNING after the " + service + " restart",
                Duration.ofSeconds(120),
                () -> c.jobState(jobId).equals("RUNNING") && allTasksRunning(jobId));
        return String.format(
                "RecoveryIT: %s restart: back in %,d ms; first window stored %,d ms, first update"
                        + " to the websocket-sink client %,d ms after the restart began; the job"
                        + " restarted %s times so far",
                service.displayName(),
                backAt - restartAt,
                stored[0] - restartAt,
                updated[0] - restartAt,
                restarts(jobId));
    }

    /**
     * The client's windows of its tags against the oracle: for each tag, every 1 s window of the
     * oracle from the first the client saw to the last must be among those it saw.
     */
    private static List<String> gaps(
            List<ResumingClient.Update> updates, Map<String, WindowOracle.Row> oracle) {
        Map<String, TreeSet<Long>> seen = new TreeMap<>();
        for (ResumingClient.Update u : updates) {
            if (u.windowMs() == 1000) {
                for (String tag : u.tags()) {
                    seen.computeIfAbsent(tag, t -> new TreeSet<>()).add(u.start());
                }
            }
        }
        return WindowOracle.gaps(seen, oracle, 1000);
    }

    /** Starts websocket-sink's runnable jar on this Redis; its port. */
    private int startWebSocketSink() throws Exception {
        int port = ClusterCommands.freePort();
        sink =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx256m",
                                "-jar",
                                System.getProperty("sluice.websocket.jar"),
                                "--host",
                                "127.0.0.1",
                                "--port",
                                "" + port,
                                "--redis-url",
                                services.redisUrl())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("websocket-sink.log").toFile())
                        .start();
        c.awaitOrShowLogs(
                "websocket-sink listens",
                Duration.ofSeconds(60),
                () -> {
                    new Socket("127.0.0.1", port).close();
                    return true;
                });
        return port;
    }

    private String sinkLog() throws IOException {
        return Files.readString(dir.resolve("websocket-sink.log"));
    }

    /** Flink's count of the job's restarts (numRestarts). */
    private String restarts(String jobId) throws Exception {
        Matcher n =
                Pattern.compile("\"value\":\"(\\d+)\"")
                        .matcher(c.get("/jobs/" + jobId + "/metrics?get=numRestarts"));
        return n.find() ? n.group(1) : "?";
    }

    private String submitJob() throws Exception {
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
        return jobId;
    }

    private SimulatorRun startSimulator(long readings) {
        long rate = Long.getLong("recovery.rate", 20_000);
        Path copy = dir.resolve("sent.ndjson");
        StringWriter progress = new StringWriter();
        Simulator simulator =
                new Simulator(
                        SimulatorSettings.fromConfig(
                                simulatorConfig(readings, rate, copy), Clock.systemUTC()),
                        ReadingCodec.withDefaults(),
                        new PrintWriter(progress, true));
        return new SimulatorRun(simulator, copy);
    }

    /** The simulator running in the background, and its copy of what it sent. */
    private final class SimulatorRun {
        final Simulator simulator;
        final Path copy;
        final AtomicBoolean stop = new AtomicBoolean();
        final CompletableFuture<RunSummary> run;
        List<Reading> sent;

        SimulatorRun(Simulator simulator, Path copy) {
            this.simulator = simulator;
            this.copy = copy;
            this.run = CompletableFuture.supplyAsync(() -> simulator.run(stop));
        }

        void awaitSent(long readings) throws IOException {
            c.awaitOrShowLogs(
                    "the simulator past " + readings,
                    Duration.ofMinutes(5),
                    () -> simulator.sent() >= readings || run.isDone());
        }

        /** Waits for the end of the run and reads the copy. */
        RunSummary finish() throws Exception {
            RunSummary summary = run.get(10, TimeUnit.MINUTES);
            sent = read(copy);
            return summary;
        }

        List<Reading> sent() {
            return sent;
        }

        void stop() throws Exception {
            stop.set(true);
            run.handle((s, e) -> s).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits for every settled window to be stored and compares: "N windows settled: 0 missing, 0
     * unexpected, 0 wrong".
     */
    private Comparison compareWithOracle(List<Reading> sent) throws Exception {
        long newest = sent.stream().mapToLong(r -> r.ts).max().orElseThrow();
        // Windows that ended 10 s of event time before the newest reading: closed, and past
        // every late reading the simulator sent (late.max.ms 4 s) and the 2 s out-of-orderness.
        long settled = newest - 10_000;
        Map<String, WindowOracle.Row> all = WindowOracle.expected(sent, SIZES);
        Map<String, WindowOracle.Row> oracle = new HashMap<>();
        all.forEach(
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
        List<String> wrong =
                oracle.entrySet().stream()
                        .filter(e -> stored.containsKey(e.getKey()))
                        .filter(e -> !same(stored.get(e.getKey()), values(e.getValue())))
                        .map(
                                e ->
                                        e.getKey()
                                                + ": stored "
                                                + Arrays.toString(stored.get(e.getKey()))
                                                + ", oracle "
                                                + Arrays.toString(values(e.getValue())))
                        .toList();
        if (!wrong.isEmpty()) {
            System.out.println(explain(wrong.subList(0, Math.min(3, wrong.size())), sent));
        }
        return new Comparison(
                all,
                oracle.size(),
                oracle.keySet().stream().filter(k -> !stored.containsKey(k)).count(),
                stored.keySet().stream().filter(k -> !oracle.containsKey(k)).count(),
                wrong);
    }

    /**
     * What the stored rows of wrong windows went through: their revision and when they were
     * written, each reading sent for the window in the order the simulator sent it, and which of
     * them the job put on the late topic.
     */
    private String explain(List<String> wrong, List<Reading> sent) throws Exception {
        List<String> late = Readings.readAll(services.kafkaBootstrapServers(), LATE_TOPIC);
        StringBuilder out = new StringBuilder("RecoveryIT: wrong windows explained\n");
        for (String line : wrong) {
            String key = line.substring(0, line.indexOf(':'));
            String[] k = key.split("\\|");
            String tag = k[0];
            long size = Long.parseLong(k[1]);
            long start = Long.parseLong(k[2]);
            out.append("  ").append(line).append('\n');
            try (Connection db = connect();
                    PreparedStatement st =
                            db.prepareStatement(
                                    "SELECT revision, updated_at FROM window_stats"
                                            + " WHERE tag = ? AND window_ms = ? AND window_start = ?")) {
                st.setString(1, tag);
                st.setLong(2, size);
                st.setTimestamp(3, new Timestamp(start));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.append("    stored revision ")
                                .append(rs.getInt(1))
                                .append(", written ")
                                .append(rs.getTimestamp(2).toInstant())
                                .append('\n');
                    }
                }
            }
            for (int i = 0; i < sent.size(); i++) {
                Reading r = sent.get(i);
                if (r.tag.equals(tag) && r.ts >= start && r.ts < start + size) {
                    String asLate = tag + " " + Instant.ofEpochMilli(r.ts) + " " + r.value;
                    out.append("    sent #")
                            .append(i)
                            .append(' ')
                            .append(Instant.ofEpochMilli(r.ts))
                            .append(late.contains(asLate) ? " ON THE LATE TOPIC" : "")
                            .append('\n');
                }
            }
        }
        return out.toString();
    }

    /** The settled windows against the stored ones. */
    private record Comparison(
            Map<String, WindowOracle.Row> all,
            int settled,
            long missing,
            long unexpected,
            List<String> wrong) {
        void assertExact(String counts) {
            assertThat(List.of(missing, unexpected, (long) wrong.size()))
                    .as(
                            "%s%n%s",
                            counts, String.join("\n", wrong.subList(0, Math.min(5, wrong.size()))))
                    .containsOnly(0L);
        }

        @Override
        public String toString() {
            return String.format(
                    "%,d windows settled: %d missing, %d unexpected, %d wrong",
                    settled, missing, unexpected, wrong.size());
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
        // One String per tag rather than per reading: 5M readings fit in the test JVM's heap.
        Map<String, String> tags = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(copy, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Reading r = new Reading();
                assertThat(codec.decode(line.getBytes(StandardCharsets.UTF_8), r)).isNull();
                r.tag = tags.computeIfAbsent(r.tag, t -> t);
                readings.add(r);
            }
        }
        return readings;
    }
}
