package io.sluice.deploy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * LocalJob as a person runs it: a child JVM with the test classpath, the embedded services, the web
 * UI on a free port; readings in, window rows out, then Ctrl-C (SIGTERM) and nothing left behind.
 */
class LocalJobIT {
    private static final int PARTITIONS = 4;

    /** The child's java.io.tmpdir: kept between runs, so zonky unpacks PostgreSQL only once. */
    private static final Path CHILD_TMP =
            Path.of(System.getProperty("java.io.tmpdir"), "local-job-it-tmp");

    @TempDir Path dataDir;
    @TempDir Path logs;
    private Process child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void runsTheJobOnTheEmbeddedServicesWithTheWebUiAndStopsCleanlyOnSigterm() throws Exception {
        Files.createDirectories(CHILD_TMP);
        Set<String> tmpBefore = entries(CHILD_TMP);
        start(
                "--local.flink.rest.port=0",
                "--local.data.dir=" + dataDir,
                "--kafka.topic.partitions=" + PARTITIONS,
                // checkpoints soon, so the test sees what each one logs
                "--job.checkpoint.interval.ms=1000");

        Map<String, String> printed = readUntilReady();

        assertThat(printed)
                .containsOnlyKeys(
                        "kafka.bootstrap.servers",
                        "jdbc.url",
                        "jdbc.user",
                        "jdbc.password",
                        "redis.url",
                        "kafka.topic.readings",
                        "flink.web.ui",
                        "flink.job.id");
        assertThat(printed.get("flink.web.ui")).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(entries(dataDir)).singleElement().asString().startsWith("sluice-local-job-");

        Readings.produce(
                printed.get("kafka.bootstrap.servers"),
                printed.get("kafka.topic.readings"),
                PARTITIONS,
                "plant1");

        List<String> expected = Readings.expectedRows("plant1");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> windowRows(printed).size() >= expected.size());
        assertThat(windowRows(printed)).containsExactlyElementsOf(expected);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> overview = get(http, printed.get("flink.web.ui") + "/jobs/overview");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body().replace(" ", ""))
                .contains("\"jid\":\"" + printed.get("flink.job.id") + "\"")
                .contains("\"name\":\"sluice-job\"")
                .contains("\"state\":\"RUNNING\"");
        HttpResponse<String> dashboard = get(http, printed.get("flink.web.ui") + "/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Apache Flink Web Dashboard");

        // Quiet at its cause (issue 9): no Jedis RESP3 warning, and no Flink "Name collision" of
        // the committers' pendingCommittables gauge, which came at every checkpoint.
        String checkpoints = printed.get("flink.web.ui") + "/jobs/" + printed.get("flink.job.id");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> completedCheckpoints(http, checkpoints + "/checkpoints") >= 2);
        assertThat(stderr()).doesNotContain("Name collision").doesNotContain("RESP3");

        child.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook stops everything

        assertThat(child.waitFor(40, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        assertThat(child.exitValue()).isEqualTo(143);
        assertThat(stdoutAfterReady()).as("stderr: %s", stderr()).containsExactly("stopped");
        assertThat(entries(dataDir)).as("the run's folder is deleted").isEmpty();
        Set<String> tmpAfter = entries(CHILD_TMP);
        tmpAfter.remove("embedded-pg"); // zonky's unpacked binaries, kept on purpose
        assertThat(tmpAfter).as("nothing new in java.io.tmpdir").isSubsetOf(tmpBefore);
        // A checkpoint that the stop interrupts is reported as such; nothing else may be.
        String stderr =
                stderr().lines()
                        .filter(line -> !line.contains("Checkpoint Coordinator is suspending"))
                        .collect(Collectors.joining("\n"));
        assertThat(stderr).doesNotContain(" ERROR ").doesNotContain("Exception");
    }

    private static int completedCheckpoints(HttpClient http, String url) throws Exception {
        Matcher completed =
                Pattern.compile("\"completed\"\\s*:\\s*(\\d+)").matcher(get(http, url).body());
        return completed.find() ? Integer.parseInt(completed.group(1)) : 0;
    }

    @Test
    void aTakenRestPortIsOneLineOnStderrAndStartsNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            start("--local.flink.rest.port=" + taken.getLocalPort(), "--local.data.dir=" + dataDir);

            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(1);
            assertThat(stdout()).isEmpty();
            assertThat(stderr())
                    .isEqualTo(
                            "local-job: Flink's web UI cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort()
                                    + " because the port is already in use; set local.flink.rest.port"
                                    + " to another port, or 0 for any free one.\n");
            assertThat(entries(dataDir)).isEmpty();
        }
    }

    @Test
    void aWrongPortValueIsACommandLineError() throws Exception {
        start("--local.flink.rest.port=70000");

        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(2);
        assertThat(stderr())
                .startsWith(
                        "local-job: local.flink.rest.port = '70000' (from flag"
                                + " --local.flink.rest.port) is not a port number from 0 to 65535\n");
    }

    private static List<String> windowRows(Map<String, String> printed) throws Exception {
        return Readings.windowRows(
                printed.get("jdbc.url"),
                printed.get("jdbc.user"),
                printed.get("jdbc.password"),
                "plant1");
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Djava.io.tmpdir=" + CHILD_TMP);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LocalJob.class.getName());
        command.addAll(List.of(args));
        // Files, not pipes: a pipe read while the child exits can lose its last line ("Stream
        // closed").
        child =
                new ProcessBuilder(command)
                        .redirectOutput(logs.resolve("stdout.txt").toFile())
                        .redirectError(logs.resolve("stderr.txt").toFile())
                        .start();
    }

    /** The key=value lines before "ready"; fails if "ready" does not come within 60 s. */
    private Map<String, String> readUntilReady() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> stdout().contains("ready") || !child.isAlive());
        List<String> lines = stdout();
        assertThat(lines).as("stdout; stderr: %s", stderr()).contains("ready");
        Map<String, String> printed = new LinkedHashMap<>();
        for (String line : lines.subList(0, lines.indexOf("ready"))) {
            assertThat(line).contains("=");
            printed.put(
                    line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return printed;
    }

    /** The complete lines on the child's standard output so far. */
    private List<String> stdout() throws IOException {
        Path file = logs.resolve("stdout.txt");
        String text = Files.exists(file) ? Files.readString(file) : "";
        String complete = text.substring(0, text.lastIndexOf('\n') + 1);
        return complete.isEmpty() ? List.of() : List.of(complete.split("\n"));
    }

    /** The lines after "ready". */
    private List<String> stdoutAfterReady() throws IOException {
        List<String> lines = stdout();
        return lines.subList(lines.indexOf("ready") + 1, lines.size());
    }

    private String stderr() throws IOException {
        Path file = logs.resolve("stderr.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static Set<String> entries(Path dir) throws IOException {
        try (var children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
