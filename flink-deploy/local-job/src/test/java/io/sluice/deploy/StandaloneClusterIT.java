package io.sluice.deploy;

import io.sluice.local.LocalServices;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A standalone session cluster started by flink-deploy/standalone/cluster.sh, as a data engineer
 * starts it, and the job's shaded jar run, stopped with a savepoint and resumed rescaled by
 * submit.sh.
 *
 * <p>No Flink distribution can be downloaded here, so cluster.sh runs Flink's jars from Maven
 * Central, assembled by the flink-deploy/standalone module. That lib/ holds no connector, driver or
 * client of ours, so the job runs only if its jar carries them, as on a real cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final String TOPIC = "sluice.readings";
    private static final int PARTITIONS = 4;
    private static final String PLANT = "plant2";
    private static final String LATE_TOPIC = "sluice.readings.late";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path dir;
    private static LocalServices services;
    private static Path clusterDir;
    private static String rest;

    @BeforeAll
    static void startServicesAndCluster() throws Exception {
        services = LocalServices.builder().dataDirectory(dir).start();
        services.createTopic(TOPIC, PARTITIONS);
        clusterDir = dir.resolve("cluster");
        int restPort = freePort();
        rest = "http://127.0.0.1:" + restPort;
        String started =
                run(
                        0,
                        cluster(
                                "start",
                                "--taskmanagers",
                                "1",
                                "--slots",
                                "2",
                                "--rest-port",
                                "" + restPort,
                                "--rpc-port",
                                "" + freePort()));
        assertThat(started)
                .contains("cluster.sh: JobManager " + rest)
                .contains("taskmanager-1, 2 slot(s) each");
    }

    @AfterAll
    static void stopClusterAndServices() throws Exception {
        try {
            if (clusterDir != null) {
                assertThat(run(0, cluster("stop"))).contains("cluster.sh: stopped jobmanager");
            }
        } finally {
            if (services != null) {
                services.close();
            }
        }
    }

    @Test
    @Order(1)
    void clusterShRunsTaskManagersAsProcessesAndReportsToPrometheus() throws Exception {
        assertThat(run(0, cluster("status")))
                .containsPattern("jobmanager pid \\d+ running")
                .containsPattern("taskmanager-1 pid \\d+ running")
                .contains(rest + ": 1 TaskManager(s), 2 slot(s) (2 free), 0 job(s) running");

        assertThat(run(0, cluster("add-taskmanager"))).contains("taskmanager-2 (pid ");
        assertThat(run(0, cluster("status")))
                .contains(rest + ": 2 TaskManager(s), 4 slot(s) (4 free)");

        // Each process serves its metrics on the first free port of the range.
        List<String> scraped =
                IntStream.rangeClosed(9250, 9269)
                        .mapToObj(StandaloneClusterIT::scrape)
                        .filter(body -> !body.isEmpty())
                        .toList();
        assertThat(scraped)
                .anyMatch(body -> body.contains("flink_jobmanager_numRegisteredTaskManagers"));
        assertThat(scraped.stream().filter(body -> body.contains("flink_taskmanager_Status_")))
                .hasSizeGreaterThanOrEqualTo(2);

        // The assembled Flink is Flink's alone: the job's jar has to bring the rest.
        Path lib = Path.of(System.getProperty("sluice.flink.home"), "lib");
        try (Stream<Path> jars = Files.list(lib)) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("flink-runtime-2.2"))
                    .noneMatch(
                            name ->
                                    name.matches(
                                            "(kafka|postgresql|jedis|sluice|jackson-core|flink-connector-(base|kafka|jdbc)).*"));
        }
    }

    @Test
    @Order(2)
    void mistakesGetOneClearLine() throws Exception {
        assertThat(run(1, cluster("start")))
                .contains("cluster.sh: a cluster already runs in " + clusterDir);

        int taken = URI.create(rest).getPort();
        assertThat(
                        run(
                                1,
                                command(
                                        "sluice.cluster.sh",
                                        "start",
                                        "--dir",
                                        dir.resolve("other").toString(),
                                        "--rest-port",
                                        "" + taken)))
                .isEqualTo(
                        "cluster.sh: port "
                                + taken
                                + " (rest.port) is already taken on 127.0.0.1; choose another with --rest-port\n");

        ProcessBuilder noJar = submit("run");
        noJar.environment().put("SLUICE_JAR", dir.resolve("missing.jar").toString());
        assertThat(run(1, noJar))
                .isEqualTo(
                        "submit.sh: no job jar at "
                                + dir.resolve("missing.jar")
                                + "; build it with: mvn -B -pl job -am package -DskipTests\n");

        // A cluster.env that names a cluster nobody runs: submit.sh says so, not a stack trace.
        Path gone = Files.createDirectories(dir.resolve("gone/conf"));
        Files.writeString(
                gone.resolve("config.yaml"),
                "rest.address: 127.0.0.1\nrest.port: " + freePort() + "\n");
        Files.writeString(
                gone.getParent().resolve("cluster.env"),
                "FLINK_HOME="
                        + System.getProperty("sluice.flink.home")
                        + "\nFLINK_CONF_DIR="
                        + gone
                        + "\n");
        ProcessBuilder unreachable = submit("list");
        unreachable.environment().put("SLUICE_CLUSTER_DIR", gone.getParent().toString());
        assertThat(run(1, unreachable))
                .startsWith("submit.sh: no Flink cluster answers at http://127.0.0.1:")
                .endsWith("; start one with flink-deploy/standalone/cluster.sh start\n");
    }

    @Test
    @Order(3)
    void submitShRunsStopsWithASavepointAndResumesRescaled() throws Exception {
        assertThat(Path.of(System.getProperty("sluice.job.jar")))
                .as("the job's jar; build it first: mvn -pl flink-deploy/local-job -am verify")
                .isRegularFile();
        String jobId = jobIdOf(run(0, submit("run", "--job.checkpoint.interval.ms", "1000")));
        awaitOrShowLogs(
                "the job runs", Duration.ofSeconds(60), () -> jobState(jobId).equals("RUNNING"));
        assertThat(get("/jobs/" + jobId)).contains("\"name\":\"sluice-job\"");
        assertThat(run(0, submit("list"))).contains(jobId + " : sluice-job (RUNNING)");

        // k = 0..40: the watermark closes each tag's first two windows; k = 40 waits in state.
        Readings.produce(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, PLANT, 0, 41);
        List<String> first = Readings.expectedRows(PLANT, 2);
        awaitOrShowLogs(
                "the first windows",
                Duration.ofSeconds(30),
                () -> windowRows().size() >= first.size());
        assertThat(windowRows()).containsExactlyElementsOf(first);

        // Checkpoints go where the cluster's config.yaml says (the job names no directory).
        awaitOrShowLogs(
                "a checkpoint in execution.checkpointing.dir",
                Duration.ofSeconds(30),
                () ->
                        Files.isDirectory(clusterDir.resolve("checkpoints").resolve(jobId))
                                && get("/jobs/" + jobId + "/checkpoints")
                                        .matches(".*\"completed\":[1-9].*"));

        // Stop with a savepoint into the cluster's savepoint-dir, resume at parallelism 2.
        String savepoint = savepointOf(run(0, submit("stop", jobId)));
        assertThat(savepoint).contains(clusterDir.resolve("savepoints").toString());
        assertThat(jobState(jobId)).isEqualTo("FINISHED");

        String resumedId = jobIdOf(run(0, submit("resume", savepoint, "-p", "2")));
        awaitOrShowLogs(
                "the job runs again from the savepoint, 2 parallel",
                Duration.ofSeconds(60),
                () -> jobState(resumedId).equals("RUNNING"));
        assertThat(get("/jobs/" + resumedId)).contains("\"parallelism\":2");

        // k = 41..80: windows 2 to 5 close, window 4 with its k = 40 from the savepoint; windows 0
        // and 1 are not written again.
        Readings.produce(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, PLANT, 41, 81);
        List<String> all = Readings.expectedRows(PLANT, 6);
        awaitOrShowLogs(
                "the windows after the resume",
                Duration.ofSeconds(60),
                () -> windowRows().size() >= all.size());
        assertThat(windowRows()).containsExactlyElementsOf(all);

        // Back to parallelism 1, with the allowed lateness cut from 5 s to 2 s: the setting is an
        // argument of the windows operator, not its state, so the savepoint takes the new value.
        String upgradedId =
                jobIdOf(
                        run(
                                0,
                                submit(
                                        "resume",
                                        savepointOf(run(0, submit("stop", resumedId))),
                                        "-p",
                                        "1",
                                        "--job.window.allowed-lateness.ms",
                                        "2000")));
        awaitOrShowLogs(
                "the job runs again from the second savepoint, 1 parallel",
                Duration.ofSeconds(60),
                () -> jobState(upgradedId).equals("RUNNING"));
        assertThat(get("/jobs/" + upgradedId)).contains("\"parallelism\":1");

        Readings.produce(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, PLANT, 81, 121);
        List<String> ten = Readings.expectedRows(PLANT, 10);
        awaitOrShowLogs(
                "the windows after the second resume",
                Duration.ofSeconds(60),
                () -> windowRows().size() >= ten.size());
        assertThat(windowRows()).containsExactlyElementsOf(ten);

        // The watermark is at 9.999 s. A reading for window 5 (5-6 s) is 4 s late: within the old
        // 5 s it would revise the window; with 2 s it goes to the late topic, and history stays.
        Readings.produceOne(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, PLANT, 0, 55, 999);
        String late = Readings.tag(PLANT, 0) + " 2026-11-26T08:00:05.500Z 999.0";
        awaitOrShowLogs(
                "the late reading on " + LATE_TOPIC,
                Duration.ofSeconds(30),
                () ->
                        Readings.readAll(services.kafkaBootstrapServers(), LATE_TOPIC)
                                .contains(late));
        assertThat(windowRows()).containsExactlyElementsOf(ten);

        assertThat(run(0, submit("cancel", upgradedId))).contains("Cancelled job " + upgradedId);
        awaitOrShowLogs(
                "the job is cancelled",
                Duration.ofSeconds(30),
                () -> jobState(upgradedId).equals("CANCELED"));
        assertThat(errors()).as("logs: %s", logs()).isEmpty();
    }

    /**
     * The ERROR lines of the cluster's logs but one: when a job ends, the Kafka source's admin
     * client in the JobManager may still be closing after Flink closed the job's class loader, and
     * logs a NoClassDefFoundError for a class it had not loaded yet (harmless; the job is over).
     */
    private static List<String> errors() throws IOException {
        return logs().lines()
                .filter(line -> line.contains(" ERROR "))
                .filter(
                        line ->
                                !(line.contains("org.apache.kafka.common.utils.Utils")
                                        && line.contains("Failed to close")))
                .toList();
    }

    private static ProcessBuilder cluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--dir", clusterDir.toString()));
        return command("sluice.cluster.sh", all.toArray(String[]::new));
    }

    /** submit.sh as a person runs it: the addresses and the database login in the environment. */
    private static ProcessBuilder submit(String... args) {
        ProcessBuilder submit = command("sluice.submit.sh", args);
        Map<String, String> env = submit.environment();
        env.remove("FLINK_HOME");
        env.put("SLUICE_CLUSTER_DIR", clusterDir.toString());
        env.put("SLUICE_JAR", System.getProperty("sluice.job.jar"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", services.kafkaBootstrapServers());
        env.put("JDBC_URL", services.jdbcUrl());
        env.put("REDIS_URL", services.redisUrl());
        env.put("SLUICE_JDBC_USER", services.jdbcUser());
        env.put("SLUICE_JDBC_PASSWORD", services.jdbcPassword());
        return submit;
    }

    private static ProcessBuilder command(String scriptProperty, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", System.getProperty(scriptProperty)));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("FLINK_HOME");
        return pb;
    }

    /** Runs a command to its end (2 min at most); its output, which must come with that status. */
    private static String run(int status, ProcessBuilder command) throws Exception {
        Path out = Files.createTempFile(dir, "command", ".out");
        Process p = command.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s returned", command.command()).isTrue();
        String output = Files.readString(out);
        assertThat(p.exitValue())
                .as("%s: %s%nlogs: %s", command.command(), output, logs())
                .isEqualTo(status);
        return output;
    }

    private static String savepointOf(String stopped) {
        Matcher path = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(stopped);
        assertThat(path.find()).as(stopped).isTrue();
        return path.group(1);
    }

    private static String jobIdOf(String submitted) {
        Matcher id =
                Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})")
                        .matcher(submitted);
        assertThat(id.find()).as(submitted).isTrue();
        return id.group(1);
    }

    private static String jobState(String jobId) throws Exception {
        Matcher state = Pattern.compile("\"state\":\"([A-Z]+)\"").matcher(get("/jobs/" + jobId));
        return state.find() ? state.group(1) : "";
    }

    /** Waits for a condition; on timeout fails with the cluster's logs. */
    private static void awaitOrShowLogs(String what, Duration atMost, Callable<Boolean> condition)
            throws IOException {
        try {
            await(what)
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + atMost + "; logs:\n" + logs(), e);
        }
    }

    private static List<String> windowRows() throws Exception {
        return Readings.windowRows(
                services.jdbcUrl(), services.jdbcUser(), services.jdbcPassword(), PLANT);
    }

    private static String logs() throws IOException {
        Path log = clusterDir.resolve("log");
        if (!Files.isDirectory(log)) {
            return "(no logs)";
        }
        try (Stream<Path> files = Files.list(log)) {
            return files.sorted()
                    .map(
                            f -> {
                                try {
                                    return "--- " + f.getFileName() + "\n" + Files.readString(f);
                                } catch (IOException e) {
                                    return "--- " + f.getFileName() + ": " + e;
                                }
                            })
                    .collect(Collectors.joining("\n"));
        }
    }

    private static String get(String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(rest + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String scrape(int port) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
