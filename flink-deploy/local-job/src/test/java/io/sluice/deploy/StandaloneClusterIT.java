package io.sluice.deploy;

import io.sluice.local.LocalServices;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * The job's shaded jar on a standalone Flink session cluster, sent by
 * flink-deploy/standalone/submit.sh through {@code flink run}.
 *
 * <p>No Flink distribution can be downloaded here. Its lib/ is flink-dist: Flink's own jars and the
 * libraries they use. So this test assembles that from Maven and runs the main classes the
 * distribution's scripts run, each in a JVM of its own: StandaloneSessionClusterEntrypoint
 * (bin/jobmanager.sh), TaskManagerRunner (bin/taskmanager.sh) and CliFrontend (bin/flink, faked in
 * a FLINK_HOME of the test's). Their classpath holds no connector, driver or client of ours, so the
 * job runs only if its jar carries them, as on a real cluster.
 */
class StandaloneClusterIT {
    private static final String JAR_PROPERTY = "sluice.job.jar";
    private static final String SUBMIT_PROPERTY = "sluice.submit.sh";
    private static final String TOPIC = "sluice.readings";
    private static final int PARTITIONS = 4;

    /**
     * What a Flink distribution's lib/ holds, by Maven group path: Flink's own jars (not its
     * connectors, which jobs bring), logging, and the libraries Flink uses unrelocated.
     */
    private static final Pattern FLINK_DIST =
            Pattern.compile(
                    "/(org/apache/flink/flink-(?!connector-(base|kafka|jdbc))[^/]+"
                            + "|org/slf4j|org/apache/logging/log4j"
                            + "|org/apache/commons/commons-(compress|lang3|math3|text)|commons-cli|commons-collections"
                            + "|commons-io|com/esotericsoftware|org/objenesis|org/snakeyaml|org/javassist"
                            + "|org/xerial/snappy|at/yawk/lz4|com/google/code/findbugs|tools/profiler"
                            + "|com/ververica)/");

    /**
     * The Java 17 flags of the distribution's own conf/config.yaml (env.java.opts.all), which its
     * scripts put on every JVM they start; CliFrontend fails without them.
     */
    private static final String JAVA_17_OPTS =
            String.join(
                    " ",
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    @TempDir static Path dir;
    private static LocalServices services;
    private static Path flinkHome;
    private static int restPort;
    private static final List<Process> cluster = new ArrayList<>();

    @BeforeAll
    static void startServicesAndCluster() throws Exception {
        services = LocalServices.builder().dataDirectory(dir).start();
        services.createTopic(TOPIC, PARTITIONS);

        flinkHome = Files.createDirectories(dir.resolve("flink"));
        Path conf = Files.createDirectories(flinkHome.resolve("conf"));
        Path bin = Files.createDirectories(flinkHome.resolve("bin"));
        Path log = Files.createDirectories(flinkHome.resolve("log"));
        restPort = freePort();
        Files.writeString(
                conf.resolve("config.yaml"),
                String.join(
                        "\n",
                        "# A one-machine session cluster: the settings of flink-deploy/standalone/config.yaml that",
                        "# matter here, on 127.0.0.1 and free ports.",
                        "env.java.opts.all: " + JAVA_17_OPTS,
                        "jobmanager.rpc.address: 127.0.0.1",
                        "jobmanager.rpc.port: " + freePort(),
                        "jobmanager.bind-host: 127.0.0.1",
                        "jobmanager.memory.process.size: 1024m",
                        "taskmanager.host: 127.0.0.1",
                        "taskmanager.bind-host: 127.0.0.1",
                        "taskmanager.numberOfTaskSlots: 1",
                        "taskmanager.memory.process.size: 1280m",
                        "parallelism.default: 1",
                        "rest.address: 127.0.0.1",
                        "rest.bind-address: 127.0.0.1",
                        "rest.port: " + restPort,
                        "io.tmp.dirs: " + Files.createDirectories(dir.resolve("flink-tmp")),
                        "web.tmpdir: " + Files.createDirectories(dir.resolve("flink-web")),
                        "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
                        ""));
        Files.writeString(
                conf.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = WARN",
                        "rootLogger.appenderRef.console.ref = console",
                        "appender.console.name = console",
                        "appender.console.type = CONSOLE",
                        "appender.console.layout.type = PatternLayout",
                        "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n",
                        ""));

        String classpath = flinkDistClasspath();
        Path flink = bin.resolve("flink");
        Files.writeString(
                flink,
                String.join(
                        "\n",
                        "#!/usr/bin/env bash",
                        "# A stand-in for the distribution's bin/flink: CliFrontend on Flink's own jars, conf/ beside bin/.",
                        "FLINK_CONF_DIR=\"$(cd \"$(dirname \"$0\")/../conf\" && pwd)\"",
                        "export FLINK_CONF_DIR",
                        "exec '" + java() + "' -Xmx256m " + JAVA_17_OPTS + " \\",
                        "  -Dlog4j2.configurationFile=\"$FLINK_CONF_DIR/log4j.properties\" \\",
                        "  -cp '" + classpath + "' org.apache.flink.client.cli.CliFrontend \"$@\"",
                        ""));
        Files.setPosixFilePermissions(flink, PosixFilePermissions.fromString("rwxr-xr-x"));

        cluster.add(
                startFlinkProcess(
                        classpath,
                        conf,
                        log.resolve("jobmanager.out"),
                        "GET_JM_RESOURCE_PARAMS",
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"));
        cluster.add(
                startFlinkProcess(
                        classpath,
                        conf,
                        log.resolve("taskmanager.out"),
                        "GET_TM_RESOURCE_PARAMS",
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"));
    }

    @AfterAll
    static void stopClusterAndServices() throws Exception {
        for (Process p : cluster) {
            p.destroy();
        }
        for (Process p : cluster) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void submitShRunsTheShadedJarWithFlinkRunAndItResumesFromASavepoint() throws Exception {
        assertThat(Path.of(System.getProperty(JAR_PROPERTY)))
                .as("the job's jar; build it first: mvn -pl flink-deploy/local-job -am verify")
                .isRegularFile();
        HttpClient http = HttpClient.newHttpClient();
        String rest = "http://127.0.0.1:" + restPort;
        awaitOrShowLogs(
                "the TaskManager registers",
                Duration.ofSeconds(60),
                () -> get(http, rest + "/taskmanagers").body().contains("\"slotsNumber\":1"));

        String jobId = submit(null, "--job.checkpoint.interval.ms", "1000");

        awaitOrShowLogs(
                "the job runs",
                Duration.ofSeconds(60),
                () -> get(http, rest + "/jobs/" + jobId).body().contains("\"state\":\"RUNNING\""));
        assertThat(get(http, rest + "/jobs/" + jobId).body()).contains("\"name\":\"sluice-job\"");

        Readings.produce(services.kafkaBootstrapServers(), TOPIC, PARTITIONS, "plant2");

        List<String> expected = Readings.expectedRows("plant2");
        awaitOrShowLogs(
                "the window rows",
                Duration.ofSeconds(30),
                () -> windowRows().size() >= expected.size());
        assertThat(windowRows()).as("logs: %s", logs()).containsExactlyElementsOf(expected);

        // Checkpoints go where the cluster's config.yaml says (the job names no directory).
        awaitOrShowLogs(
                "a checkpoint in execution.checkpointing.dir",
                Duration.ofSeconds(30),
                () ->
                        Files.isDirectory(dir.resolve("checkpoints").resolve(jobId))
                                && get(http, rest + "/jobs/" + jobId + "/checkpoints")
                                        .body()
                                        .matches(".*\"completed\":[1-9].*"));

        // An upgrade as the README does it: stop with a savepoint, submit again from it.
        String stopped =
                run(
                        "stop.out",
                        flinkHome.resolve("bin/flink").toString(),
                        "stop",
                        "--savepointPath",
                        dir.resolve("savepoints").toUri().toString(),
                        jobId);
        Matcher savepoint = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(stopped);
        assertThat(savepoint.find()).as(stopped).isTrue();
        String resumedId = submit("-s " + savepoint.group(1));
        awaitOrShowLogs(
                "the job runs again from the savepoint",
                Duration.ofSeconds(60),
                () ->
                        get(http, rest + "/jobs/" + resumedId)
                                        .body()
                                        .contains("\"state\":\"RUNNING\"")
                                && get(http, rest + "/jobs/" + resumedId + "/checkpoints")
                                        .body()
                                        .replace(" ", "")
                                        .contains("\"is_savepoint\":true"));
        assertThat(logs()).doesNotContain(" ERROR ");
    }

    /**
     * Runs standalone/submit.sh as a person would: the addresses and the database login in the
     * environment, flink run options in FLINK_RUN_OPTS; returns the JobID it printed.
     */
    private static String submit(String flinkRunOpts, String... jobArgs) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("bash", System.getProperty(SUBMIT_PROPERTY)));
        command.addAll(List.of(jobArgs));
        ProcessBuilder submit = new ProcessBuilder(command);
        Map<String, String> env = submit.environment();
        env.put("FLINK_HOME", flinkHome.toString());
        env.put("KAFKA_BOOTSTRAP_SERVERS", services.kafkaBootstrapServers());
        env.put("JDBC_URL", services.jdbcUrl());
        env.put("REDIS_URL", services.redisUrl());
        env.put("SLUICE_JDBC_USER", services.jdbcUser());
        env.put("SLUICE_JDBC_PASSWORD", services.jdbcPassword());
        if (flinkRunOpts != null) {
            env.put("FLINK_RUN_OPTS", flinkRunOpts);
        }
        String output = run(submit, "submit.out");
        Matcher submitted =
                Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})").matcher(output);
        assertThat(submitted.find()).as(output).isTrue();
        return submitted.group(1);
    }

    private static String run(String outFile, String... command) throws Exception {
        return run(new ProcessBuilder(command), outFile);
    }

    /**
     * Runs a command to its end (2 min at most); its output, which must come with exit status 0.
     */
    private static String run(ProcessBuilder command, String outFile) throws Exception {
        Path out = dir.resolve(outFile);
        Process p = command.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s returned", command.command()).isTrue();
        String output = Files.readString(out);
        assertThat(p.exitValue())
                .as("%s: %s%nlogs: %s", command.command(), output, logs())
                .isZero();
        return output;
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
                services.jdbcUrl(), services.jdbcUser(), services.jdbcPassword(), "plant2");
    }

    /** The test classpath cut down to what a Flink distribution's lib/ holds. */
    private static String flinkDistClasspath() {
        String full =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> dist =
                Arrays.stream(full.split(File.pathSeparator))
                        .filter(
                                entry ->
                                        FLINK_DIST
                                                .matcher(entry.replace(File.separatorChar, '/'))
                                                .find())
                        .toList();
        assertThat(dist).as("Flink's own jars").anyMatch(e -> e.contains("flink-runtime-2"));
        assertThat(dist)
                .as("nothing the job's jar must bring")
                .noneMatch(
                        e ->
                                e.matches(
                                        ".*(kafka|postgresql|jedis|sluice|jackson-core|flink-connector-(base|kafka|jdbc)).*"));
        return String.join(File.pathSeparator, dist);
    }

    /**
     * Starts a JobManager or TaskManager as bin/jobmanager.sh and bin/taskmanager.sh do: first
     * BashJavaUtils derives the JVM's memory flags and the memory settings from config.yaml, then
     * the main class runs with them.
     */
    private static Process startFlinkProcess(
            String classpath, Path conf, Path out, String resourceCommand, String mainClass)
            throws Exception {
        Process utils =
                new ProcessBuilder(
                                java(),
                                "-Xmx128m",
                                "-cp",
                                classpath,
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                resourceCommand,
                                "--configDir",
                                conf.toString())
                        .redirectErrorStream(true)
                        .start();
        String text =
                new String(
                        utils.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        assertThat(utils.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String prefix = "BASH_JAVA_UTILS_EXEC_RESULT:";
        List<String> results =
                text.lines()
                        .filter(l -> l.startsWith(prefix))
                        .map(l -> l.substring(prefix.length()).trim())
                        .toList();
        assertThat(results).as(text).hasSize(2);

        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(words(results.get(0))); // -Xmx, -Xms, -XX:MaxDirectMemorySize, ...
        command.addAll(words(JAVA_17_OPTS));
        command.addAll(
                List.of(
                        "-Dlog4j2.configurationFile=" + conf.resolve("log4j.properties"),
                        "-cp",
                        classpath,
                        mainClass,
                        "--configDir",
                        conf.toString()));
        command.addAll(words(results.get(1))); // -D taskmanager.memory.*=... as derived
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        return pb.start();
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }

    private static String logs() throws IOException {
        try (Stream<Path> files = Files.list(flinkHome.resolve("log"))) {
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

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
