package io.sluice.deploy;

import io.sluice.local.LocalServices;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

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

    @TempDir static Path dir;
    private static LocalServices services;
    private static ClusterCommands c;
    private static Path clusterDir;
    private static String rest;

    @BeforeAll
    static void startServicesAndCluster() throws Exception {
        services = LocalServices.builder().dataDirectory(dir).start();
        services.createTopic(TOPIC, PARTITIONS);
        c = new ClusterCommands(dir, services);
        clusterDir = c.clusterDir;
        String started = c.start("--taskmanagers", "1", "--slots", "2");
        rest = c.rest;
        assertThat(started)
                .contains("cluster.sh: JobManager " + rest)
                .contains("taskmanager-1, 2 slot(s) each");
    }

    @AfterAll
    static void stopClusterAndServices() throws Exception {
        try {
            if (c != null) {
                assertThat(c.run(0, c.cluster("stop"))).contains("cluster.sh: stopped jobmanager");
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
        assertThat(c.run(0, c.cluster("status")))
                .containsPattern("jobmanager pid \\d+ running")
                .containsPattern("taskmanager-1 pid \\d+ running")
                .contains(rest + ": 1 TaskManager(s), 2 slot(s) (2 free), 0 job(s) running");

        assertThat(c.run(0, c.cluster("add-taskmanager"))).contains("taskmanager-2 (pid ");
        assertThat(c.run(0, c.cluster("status")))
                .contains(rest + ": 2 TaskManager(s), 4 slot(s) (4 free)");

        // Each process serves its metrics on the first free port of the range.
        List<String> scraped =
                IntStream.rangeClosed(9250, 9269)
                        .mapToObj(ClusterCommands::scrape)
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
        assertThat(c.run(1, c.cluster("start")))
                .contains("cluster.sh: a cluster already runs in " + clusterDir);

        int taken = URI.create(rest).getPort();
        assertThat(
                        c.run(
                                1,
                                ClusterCommands.command(
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

        ProcessBuilder noJar = c.submit("run");
        noJar.environment().put("SLUICE_JAR", dir.resolve("missing.jar").toString());
        assertThat(c.run(1, noJar))
                .isEqualTo(
                        "submit.sh: no job jar at "
                                + dir.resolve("missing.jar")
                                + "; build it with: mvn -B -pl job -am package -DskipTests\n");

        // A cluster.env that names a cluster nobody runs: submit.sh says so, not a stack trace.
        Path gone = Files.createDirectories(dir.resolve("gone/conf"));
        Files.writeString(
                gone.resolve("config.yaml"),
                "rest.address: 127.0.0.1\nrest.port: " + c.freePort() + "\n");
        Files.writeString(
                gone.getParent().resolve("cluster.env"),
                "FLINK_HOME="
                        + System.getProperty("sluice.flink.home")
                        + "\nFLINK_CONF_DIR="
                        + gone
                        + "\n");
        ProcessBuilder unreachable = c.submit("list");
        unreachable.environment().put("SLUICE_CLUSTER_DIR", gone.getParent().toString());
        assertThat(c.run(1, unreachable))
                .startsWith("submit.sh: no Flink cluster answers at http://127.0.0.1:")
                .endsWith("; start one with flink-deploy/standalone/cluster.sh start\n");
    }

    @Test
    @Order(3)
    void submitShRunsStopsWithASavepointAndResumesRescaled() throws Exception {
        assertThat(Path.of(System.getProperty("sluice.job.jar")))
                .as("the job's jar; build it first: mvn -pl flink-deploy/local-job -am verify")
                .isRegularFile();
        String jobId =
                ClusterCommands.jobIdOf(
                        c.run(0, c.submit("run", "--job.checkpoint.interval.ms", "1000")));
        c.awaitOrShowLogs(
                "the job runs", Duration.ofSeconds(60), () -> c.jobState(jobId).equals("RUNNING"));
        assertThat(c.get("/jobs/" + jobId)).contains("\"name\":\"sluice-job\"");
        assertThat(c.run(0, c.submit("list"))).contains(jobId + " : sluice-job (RUNNING)");

        // k = 0..40: the watermark closes each tag's first two windows; k = 40 waits in state.
        Readings.produce(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, PLANT, 0, 41);
        List<String> first = Readings.expectedRows(PLANT, 2);
        c.awaitOrShowLogs(
                "the first windows",
                Duration.ofSeconds(30),
                () -> windowRows().size() >= first.size());
        assertThat(windowRows()).containsExactlyElementsOf(first);

        // Checkpoints go where the cluster's config.yaml says (the job names no directory).
        c.awaitOrShowLogs(
                "a checkpoint in execution.checkpointing.dir",
                Duration.ofSeconds(30),
                () ->
                        Files.isDirectory(clusterDir.resolve("checkpoints").resolve(jobId))
                                && c.get("/jobs/" + jobId + "/checkpoints")
                                        .matches(".*\"completed\":[1-9].*"));

        // Stop with a savepoint into the cluster's savepoint-dir, resume at parallelism 2.
        String savepoint = ClusterCommands.savepointOf(c.run(0, c.submit("stop", jobId)));
        assertThat(savepoint).contains(clusterDir.resolve("savepoints").toString());
        assertThat(c.jobState(jobId)).isEqualTo("FINISHED");

        String resumedId =
                ClusterCommands.jobIdOf(c.run(0, c.submit("resume", savepoint, "-p", "2")));
        c.awaitOrShowLogs(
                "the job runs again from the savepoint, 2 parallel",
                Duration.ofSeconds(60),
                () -> c.jobState(resumedId).equals("RUNNING"));
        assertThat(c.get("/jobs/" + resumedId)).contains("\"parallelism\":2");

        // k = 41..80: windows 2 to 5 close, window 4 with its k = 40 from the savepoint; windows 0
        // and 1 are not written again.
        Readings.produce(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, PLANT, 41, 81);
        List<String> all = Readings.expectedRows(PLANT, 6);
        c.awaitOrShowLogs(
                "the windows after the resume",
                Duration.ofSeconds(60),
                () -> windowRows().size() >= all.size());
        assertThat(windowRows()).containsExactlyElementsOf(all);

        // Back to parallelism 1, with the allowed lateness cut from 5 s to 2 s: the setting is an
        // argument of the windows operator, not its state, so the savepoint takes the new value.
        String upgradedId =
                ClusterCommands.jobIdOf(
                        c.run(
                                0,
                                c.submit(
                                        "resume",
                                        ClusterCommands.savepointOf(
                                                c.run(0, c.submit("stop", resumedId))),
                                        "-p",
                                        "1",
                                        "--job.window.allowed-lateness.ms",
                                        "2000")));
        c.awaitOrShowLogs(
                "the job runs again from the second savepoint, 1 parallel",
                Duration.ofSeconds(60),
                () -> c.jobState(upgradedId).equals("RUNNING"));
        assertThat(c.get("/jobs/" + upgradedId)).contains("\"parallelism\":1");

        Readings.produce(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, PLANT, 81, 121);
        List<String> ten = Readings.expectedRows(PLANT, 10);
        c.awaitOrShowLogs(
                "the windows after the second resume",
                Duration.ofSeconds(60),
                () -> windowRows().size() >= ten.size());
        assertThat(windowRows()).containsExactlyElementsOf(ten);

        // The watermark is at 9.999 s. A reading for window 5 (5-6 s) is 4 s late: within the old
        // 5 s it would revise the window; with 2 s it goes to the late topic, and history stays.
        Readings.produceOne(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, PLANT, 0, 55, 999);
        String late = Readings.tag(PLANT, 0) + " 2026-11-26T08:00:05.500Z 999.0";
        c.awaitOrShowLogs(
                "the late reading on " + LATE_TOPIC,
                Duration.ofSeconds(30),
                () ->
                        Readings.readAll(services.kafkaBootstrapServers(), LATE_TOPIC)
                                .contains(late));
        assertThat(windowRows()).containsExactlyElementsOf(ten);

        assertThat(c.run(0, c.submit("cancel", upgradedId)))
                .contains("Cancelled job " + upgradedId);
        c.awaitOrShowLogs(
                "the job is cancelled",
                Duration.ofSeconds(30),
                () -> c.jobState(upgradedId).equals("CANCELED"));
        assertThat(c.errors()).as("logs: %s", c.logs()).isEmpty();
    }

    private static List<String> windowRows() throws Exception {
        return Readings.windowRows(
                services.jdbcUrl(), services.jdbcUser(), services.jdbcPassword(), PLANT);
    }
}
