package io.sluice.deploy;

import io.sluice.local.LocalServices;

import org.awaitility.core.ConditionTimeoutException;

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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * cluster.sh and submit.sh as a person runs them, on one cluster folder, with the embedded
 * services' addresses in submit.sh's environment; and the cluster's REST API and logs.
 */
final class ClusterCommands {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Path dir;
    final Path clusterDir;
    final LocalServices services;
    String rest;

    ClusterCommands(Path dir, LocalServices services) {
        this.dir = dir;
        this.clusterDir = dir.resolve("cluster");
        this.services = services;
    }

    /** Starts the cluster on free ports; cluster.sh's output. */
    String start(String... options) throws Exception {
        int restPort = freePort();
        rest = "http://127.0.0.1:" + restPort;
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "start",
                                "--rest-port",
                                "" + restPort,
                                "--rpc-port",
                                "" + freePort()));
        args.addAll(List.of(options));
        return run(0, cluster(args.toArray(String[]::new)));
    }

    ProcessBuilder cluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--dir", clusterDir.toString()));
        return command("sluice.cluster.sh", all.toArray(String[]::new));
    }

    /** submit.sh with the addresses and the database login in the environment. */
    ProcessBuilder submit(String... args) {
        ProcessBuilder submit = command("sluice.submit.sh", args);
        Map<String, String> env = submit.environment();
        env.put("SLUICE_CLUSTER_DIR", clusterDir.toString());
        env.put("SLUICE_JAR", System.getProperty("sluice.job.jar"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", services.kafkaBootstrapServers());
        env.put("JDBC_URL", services.jdbcUrl());
        env.put("REDIS_URL", services.redisUrl());
        env.put("SLUICE_JDBC_USER", services.jdbcUser());
        env.put("SLUICE_JDBC_PASSWORD", services.jdbcPassword());
        return submit;
    }

    static ProcessBuilder command(String scriptProperty, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", System.getProperty(scriptProperty)));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("FLINK_HOME");
        return pb;
    }

    /** Runs a command to its end (2 min at most); its output, which must come with that status. */
    String run(int status, ProcessBuilder command) throws Exception {
        Path out = Files.createTempFile(dir, "command", ".out");
        Process p = command.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s returned", command.command()).isTrue();
        String output = Files.readString(out);
        assertThat(p.exitValue())
                .as("%s: %s%nlogs: %s", command.command(), output, logs())
                .isEqualTo(status);
        return output;
    }

    static String jobIdOf(String submitted) {
        Matcher id =
                Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})")
                        .matcher(submitted);
        assertThat(id.find()).as(submitted).isTrue();
        return id.group(1);
    }

    static String savepointOf(String stopped) {
        Matcher path = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(stopped);
        assertThat(path.find()).as(stopped).isTrue();
        return path.group(1);
    }

    String jobState(String jobId) throws Exception {
        Matcher state = Pattern.compile("\"state\":\"([A-Z]+)\"").matcher(get("/jobs/" + jobId));
        return state.find() ? state.group(1) : "";
    }

    /** Waits for a condition; on timeout fails with the cluster's logs. */
    void awaitOrShowLogs(String what, Duration atMost, Callable<Boolean> condition)
            throws IOException {
        try {
            await(what)
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + atMost + "; logs:\n" + logs(), e);
        }
    }

    /**
     * The ERROR lines of the cluster's logs but one: when a job ends, the Kafka source's admin
     * client in the JobManager may still be closing after Flink closed the job's class loader, and
     * logs a NoClassDefFoundError for a class it had not loaded yet (harmless; the job is over).
     */
    List<String> errors() throws IOException {
        return logs().lines()
                .filter(line -> line.contains(" ERROR "))
                .filter(
                        line ->
                                !(line.contains("org.apache.kafka.common.utils.Utils")
                                        && line.contains("Failed to close")))
                .toList();
    }

    String logs() throws IOException {
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

    String get(String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(rest + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static String scrape(int port) {
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
