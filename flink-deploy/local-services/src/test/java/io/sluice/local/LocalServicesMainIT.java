package io.sluice.local;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LocalServicesMain as a parent process sees it: a child JVM with the test classpath, or the
 * runnable jar that {@code package} built ({@code java -jar}, path in system property {@value
 * #JAR_PROPERTY}).
 */
class LocalServicesMainIT {
    private static final String END = "<end of stdout>";
    static final String JAR_PROPERTY = "sluice.shaded.jar";

    @TempDir Path dir;
    private Process child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void printsItsAddressesThenReadyServesKafkaAndStopsWhenItsStdinIsClosed() throws Exception {
        start("kafka", "--topic", "main-it:2", "--data-dir", dir.toString());

        Map<String, String> addresses = readUntilReady();

        assertThat(addresses).containsOnlyKeys("kafka.bootstrap.servers");
        String bootstrap = addresses.get("kafka.bootstrap.servers");
        assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(dataFolders()).hasSize(1);
        try (KafkaProducer<String, String> producer = EmbeddedKafkaIT.producer(bootstrap)) {
            producer.send(new ProducerRecord<>("main-it", "tag-1", "42.0")).get();
        }
        List<ConsumerRecord<String, String>> records =
                EmbeddedKafkaIT.consumeAll(bootstrap, "main-it", 1);
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("42.0");

        child.getOutputStream().close();

        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("exited after stdin closed").isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(stderr()).isEmpty();
        assertThat(dataFolders()).isEmpty();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
        assertThat(Net.isFree(port)).isTrue();
    }

    @Test
    void stopsItsServicesAndDeletesItsFolderOnSigterm() throws Exception {
        start("redis", "--data-dir", dir.toString());
        String redisUrl = readUntilReady().get("redis.url");
        try (RedisClient redis = RedisClient.create(redisUrl)) {
            assertThat(redis.ping()).isEqualTo("PONG");
        }

        child.destroy(); // SIGTERM

        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(143); // 128 + SIGTERM, as for any JVM
        assertThat(dataFolders()).isEmpty();
        assertThat(childRedisServers()).isZero();
    }

    @Test
    void aTakenPortIsOneLineOnStderrAndANonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            start(
                    "kafka",
                    "--kafka-port",
                    Integer.toString(taken.getLocalPort()),
                    "--data-dir",
                    dir.toString());

            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(1);
            assertThat(stdoutLines()).containsExactly(END);
            assertThat(stderr())
                    .isEqualTo(
                            "local-services: Embedded Kafka cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort()
                                    + " because the port is already in use.\n");
            assertThat(dataFolders()).isEmpty();
        }
    }

    @Test
    void theShadedJarAnswersHelp() throws Exception {
        startJar("--help");

        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(String.join("\n", stdoutLines()))
                .startsWith("Usage: local-services")
                .contains("--topic=NAME:PARTITIONS", "--data-dir=DIR");
    }

    @Test
    void theShadedJarRunsAllThreeServicesFromItsOwnResourcesAndStopsCleanly() throws Exception {
        // PostgreSQL's and redis-server's binaries are resources inside the jar: they must still
        // unpack and run from there.
        startJar("--topic", "jar-it:1", "--data-dir", dir.toString());

        Map<String, String> addresses = readUntilReady();

        assertThat(addresses)
                .containsOnlyKeys(
                        "kafka.bootstrap.servers",
                        "jdbc.url",
                        "jdbc.user",
                        "jdbc.password",
                        "redis.url");
        try (Connection db =
                        DriverManager.getConnection(
                                addresses.get("jdbc.url"),
                                addresses.get("jdbc.user"),
                                addresses.get("jdbc.password"));
                ResultSet rs = db.createStatement().executeQuery("select 6 * 7")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
        try (RedisClient redis = RedisClient.create(addresses.get("redis.url"))) {
            assertThat(redis.ping()).isEqualTo("PONG");
        }
        String bootstrap = addresses.get("kafka.bootstrap.servers");
        try (KafkaProducer<String, String> producer = EmbeddedKafkaIT.producer(bootstrap)) {
            producer.send(new ProducerRecord<>("jar-it", "tag-1", "7.0")).get();
        }
        assertThat(EmbeddedKafkaIT.consumeAll(bootstrap, "jar-it", 1))
                .extracting(ConsumerRecord::value)
                .containsExactly("7.0");

        child.getOutputStream().close();

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("exited after stdin closed").isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(stderr()).isEmpty();
        assertThat(dataFolders()).isEmpty();
        assertThat(childRedisServers()).isZero();
    }

    @Test
    void aWrongCommandLineIsOneLineAndExitStatusTwo() throws Exception {
        start("redis", "--kafka-port", "9092");

        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(2);
        assertThat(stderr())
                .isEqualTo(
                        "local-services: a port is given for Kafka, which is not started (see --help)\n");
    }

    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();

    /** Starts LocalServicesMain on the test classpath. */
    private void start(String... args) throws IOException {
        start(
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalServicesMain.class.getName()),
                args);
    }

    /** Starts the runnable jar with java -jar, nothing else on the classpath. */
    private void startJar(String... args) throws IOException {
        String jar = System.getProperty(JAR_PROPERTY);
        assertThat(jar)
                .as("system property " + JAR_PROPERTY + " (local-services/pom.xml)")
                .isNotBlank();
        assertThat(Path.of(jar)).as("the shaded jar; run `mvn package` first").isRegularFile();
        start(List.of("-jar", jar), args);
    }

    private void start(List<String> launch, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        command.addAll(launch);
        command.addAll(List.of(args));
        child =
                new ProcessBuilder(command)
                        .redirectError(dir.resolve("stderr.txt").toFile())
                        .start();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(child.getInputStream(), UTF_8))) {
                                for (String line; (line = r.readLine()) != null; ) {
                                    stdout.add(line);
                                }
                            } catch (IOException e) {
                                // the child is gone
                            }
                            stdout.add(END);
                        },
                        "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** The key=value lines before "ready"; fails if "ready" does not come within 60 s. */
    private Map<String, String> readUntilReady() throws Exception {
        Map<String, String> addresses = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String line =
                    stdout.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(line)
                    .as("stdout line before ready; stderr: %s", stderr())
                    .isNotNull()
                    .isNotEqualTo(END);
            if (line.equals("ready")) {
                return addresses;
            }
            assertThat(line).contains("=");
            addresses.put(
                    line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
    }

    private List<String> stdoutLines() throws InterruptedException {
        List<String> lines = new ArrayList<>();
        while (!lines.contains(END)) {
            String line = stdout.poll(10, TimeUnit.SECONDS);
            if (line == null) {
                break;
            }
            lines.add(line);
        }
        return lines;
    }

    private String stderr() throws IOException {
        Path file = dir.resolve("stderr.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private List<Path> dataFolders() throws IOException {
        try (var children = Files.list(dir)) {
            return children.filter(p -> p.getFileName().toString().startsWith("sluice-local-"))
                    .toList();
        }
    }

    private long childRedisServers() {
        return child.descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .count();
    }
}
