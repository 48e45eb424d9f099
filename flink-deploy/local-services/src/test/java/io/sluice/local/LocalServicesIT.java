package io.sluice.local;

import io.sluice.config.SluiceConfig;
import io.sluice.update.RedisClients;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalServicesIT {
    @TempDir Path dir;

    @Test
    void anEmbeddedRedisClusterHasThreeMastersThatServeEverySlot() throws Exception {
        LocalServices services =
                LocalServices.start(
                        SluiceConfig.load(
                                Map.of(),
                                Map.of("redis.cluster", "true", "local.data.dir", dir.toString())),
                        EnumSet.of(Service.REDIS));
        Path data = services.dataDirectory().orElseThrow();
        String url = services.redisUrl();

        assertThat(url.split(",")).hasSize(3);
        try (RedisClusterClient cluster =
                RedisClusterClient.builder().nodes(RedisClients.nodes(url)).build()) {
            for (int i = 0; i < 100; i++) {
                cluster.set("key-" + i, "" + i); // keys on every master's slots
            }
            assertThat(cluster.getClusterNodes()).hasSize(3);
            assertThat(cluster.get("key-99")).isEqualTo("99");
        }
        for (URI node : RedisClients.urls(url)) {
            try (Jedis j = RedisClients.connect(node)) {
                assertThat(j.clusterInfo()).contains("cluster_state:ok", "cluster_size:3");
                assertThat(j.dbSize()).as("keys on %s", node).isPositive();
            }
        }

        services.close();

        assertThat(data).doesNotExist();
    }

    @Test
    void embeddedServicesShareOneDataFolderWhichCloseDeletes() throws Exception {
        LocalServices services = LocalServices.builder().dataDirectory(dir).start();
        Path data = services.dataDirectory().orElseThrow();

        assertThat(data.getParent()).isEqualTo(dir);
        assertThat(data.getFileName().toString()).startsWith("sluice-local-");
        assertThat(data.resolve("kafka")).isDirectory();
        assertThat(data.resolve("postgres")).isDirectory();
        assertThat(data.resolve("redis")).isDirectory();
        assertThat(EnumSet.allOf(Service.class)).allMatch(services::isEmbedded);
        // Each address answers.
        services.createTopic("readings", 2);
        try (KafkaProducer<String, String> producer =
                EmbeddedKafkaIT.producer(services.kafkaBootstrapServers())) {
            producer.send(new ProducerRecord<>("readings", "tag-1", "{}")).get();
        }
        try (Connection c =
                        DriverManager.getConnection(
                                services.jdbcUrl(), services.jdbcUser(), services.jdbcPassword());
                ResultSet rs = c.createStatement().executeQuery("SELECT 41 + 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
        try (RedisClient redis = RedisClient.create(services.redisUrl())) {
            assertThat(redis.ping()).isEqualTo("PONG");
        }

        services.close();
        services.close(); // idempotent

        assertThat(data).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void restartBringsRedisAndPostgresBackOnTheirAddresses() throws Exception {
        try (LocalServices services =
                LocalServices.builder()
                        .services(Service.POSTGRES, Service.REDIS)
                        .dataDirectory(dir)
                        .start()) {
            String jdbcUrl = services.jdbcUrl();
            String redisUrl = services.redisUrl();

            services.restart(Service.REDIS);
            services.restart(Service.POSTGRES);

            assertThat(services.jdbcUrl()).isEqualTo(jdbcUrl);
            assertThat(services.redisUrl()).isEqualTo(redisUrl);
            try (Connection c =
                            DriverManager.getConnection(
                                    jdbcUrl, services.jdbcUser(), services.jdbcPassword());
                    ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
            try (RedisClient redis = RedisClient.create(redisUrl)) {
                assertThat(redis.ping()).isEqualTo("PONG");
            }
            assertThatThrownBy(() -> services.restart(Service.KAFKA))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aRealAddressIsPassedThroughWithoutStartingAServerOfItsOwn() {
        try (EmbeddedRedisServer real =
                EmbeddedRedisServer.builder(dir.resolve("real-redis")).start()) {
            try (LocalServices services =
                    LocalServices.builder()
                            .redisUrl(real.redisUrl())
                            .services(Service.REDIS)
                            .dataDirectory(dir.resolve("local"))
                            .start()) {

                assertThat(services.redisUrl()).isEqualTo(real.redisUrl());
                assertThat(services.isEmbedded(Service.REDIS)).isFalse();
                assertThat(services.dataDirectory()).isEmpty();
                assertThat(EmbeddedRedisServerIT.redisServerProcesses()).isEqualTo(1);
            }
            // Closing LocalServices left the real server alone.
            try (RedisClient redis = RedisClient.create(real.redisUrl())) {
                assertThat(redis.ping()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void onlyTheWantedServicesAreStarted() throws Exception {
        try (LocalServices services =
                LocalServices.builder().services(Service.KAFKA).dataDirectory(dir).start()) {
            Path data = services.dataDirectory().orElseThrow();

            assertThat(services.isEmbedded(Service.KAFKA)).isTrue();
            assertThat(services.addresses()).containsOnlyKeys("kafka.bootstrap.servers");
            try (Stream<Path> children = Files.list(data)) {
                assertThat(children).containsExactly(data.resolve("kafka"));
            }
            assertThatThrownBy(services::redisUrl)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Redis was not among the wanted services");
            assertThat(EmbeddedRedisServerIT.redisServerProcesses()).isZero();
        }
    }

    @Test
    void anUnreachableRealServerFailsWithOneSentenceNamingTheServiceAndAddress() {
        String nobodyListens = "redis://127.0.0.1:" + Net.freePort();
        LocalServices services =
                LocalServices.builder().redisUrl(nobodyListens).services(Service.REDIS).build();

        assertThatThrownBy(services::start)
                .isInstanceOf(ServiceStartException.class)
                .hasMessageStartingWith(
                        "Redis at " + nobodyListens + " (redis.url) is not reachable: ")
                .hasMessageEndingWith(".")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aFailedStartStopsWhatItHadAlreadyStartedAndDeletesTheFolder() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            // Redis starts before Kafka, whose port is taken.
            LocalServices services =
                    LocalServices.builder()
                            .services(Service.REDIS, Service.KAFKA)
                            .port(Service.KAFKA, taken.getLocalPort())
                            .dataDirectory(dir)
                            .build();

            assertThatThrownBy(services::start)
                    .isInstanceOf(ServiceStartException.class)
                    .hasMessage(
                            "Embedded Kafka cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort()
                                    + " because the port is already in use.");
            assertThat(EmbeddedRedisServerIT.redisServerProcesses()).isZero();
            assertThat(dir).isEmptyDirectory();
            services.close(); // safe after a failed start
        }
    }

    @Test
    void aSluiceConfigurationIsResolvedToTheStartedAddresses() {
        SluiceConfig config =
                SluiceConfig.load(
                        Map.of(),
                        Map.of(
                                "kafka.bootstrap.servers",
                                "embedded",
                                "local.data.dir",
                                dir.toString()));

        try (LocalServices services = LocalServices.start(config, EnumSet.of(Service.KAFKA))) {
            SluiceConfig resolved = services.resolve(config);

            assertThat(resolved.get("kafka.bootstrap.servers"))
                    .isEqualTo(services.kafkaBootstrapServers())
                    .matches("127\\.0\\.0\\.1:\\d+");
            assertThat(resolved.get("redis.url")).isEqualTo("embedded"); // not wanted, not touched
            assertThat(services.dataDirectory().orElseThrow().getParent()).isEqualTo(dir);
        }
    }

    @Test
    void theWordEmbeddedIsRecognizedInAnyCaseAndAnythingElseIsAnAddress() {
        assertThat(List.of("embedded", " EMBEDDED ", "Embedded"))
                .allMatch(LocalServices::isEmbedded);
        assertThat(List.of("localhost:9092", "embedded:9092", ""))
                .noneMatch(LocalServices::isEmbedded);
    }
}
