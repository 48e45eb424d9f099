package io.sluice.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EmbeddedKafkaIT {
    @TempDir static Path shared;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder(shared.resolve("kafka")).start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void recordsProducedToACreatedTopicAreConsumedBackInOrderPerKey() throws Exception {
        kafka.createTopic("round-trip", 3);
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
            for (int i = 0; i < 300; i++) {
                String value = "tag-" + (i % 7) + ":" + i;
                producer.send(new ProducerRecord<>("round-trip", "tag-" + (i % 7), value));
                sent.add(value);
            }
        }

        List<ConsumerRecord<String, String>> received =
                consumeAll(kafka.bootstrapServers(), "round-trip", 300);

        assertThat(received)
                .extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(sent);
        assertThat(received.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                .isSubsetOf(0, 1, 2)
                .hasSizeGreaterThan(1);
        // One key lives in one partition, in the order it was sent.
        List<Integer> tag3 =
                received.stream()
                        .filter(r -> r.key().equals("tag-3"))
                        .map(r -> Integer.parseInt(r.value().split(":")[1]))
                        .collect(Collectors.toList());
        assertThat(tag3).isSorted().hasSize(43);
    }

    @Test
    void creatingAnExistingTopicAgainLeavesItAsItWas() throws Exception {
        kafka.createTopic("twice", 2);
        kafka.createTopic("twice", 5);

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(
                            admin.describeTopics(List.of("twice"))
                                    .allTopicNames()
                                    .get()
                                    .get("twice")
                                    .partitions())
                    .hasSize(2);
        }
    }

    @Test
    void sendingToATopicNobodyCreatedFailsInsteadOfCreatingIt() throws Exception {
        try (KafkaProducer<String, String> producer =
                        new KafkaProducer<>(
                                Map.of(
                                        "bootstrap.servers",
                                        kafka.bootstrapServers(),
                                        "max.block.ms",
                                        1000),
                                new StringSerializer(),
                                new StringSerializer());
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThatThrownBy(
                            () -> producer.send(new ProducerRecord<>("never-created", "v")).get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class)
                    .hasMessageContaining("Topic never-created not present in metadata");
            assertThat(admin.listTopics().names().get()).doesNotContain("never-created");
        }
    }

    @Test
    void closeStopsTheBrokerFreesItsPortDeletesItsDataAndLeavesNoThreads(@TempDir Path dir)
            throws Exception {
        Set<Thread> before = nonDaemonThreads();
        EmbeddedKafka own = EmbeddedKafka.builder(dir.resolve("own")).start();
        int port = own.port();
        own.createTopic("t", 1);
        assertThat(dir.resolve("own")).isDirectory();

        own.close();
        own.close(); // idempotent

        assertThat(dir.resolve("own")).doesNotExist();
        assertThat(Net.isFree(port)).isTrue();
        await().pollInSameThread()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(nonDaemonThreads()).isSubsetOf(before));
    }

    @Test
    void aTakenPortIsReportedInOneSentenceNamingTheServiceAndAddress(@TempDir Path dir)
            throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedKafka.Builder builder =
                    EmbeddedKafka.builder(dir.resolve("k")).port(taken.getLocalPort());

            assertThatThrownBy(builder::start)
                    .isInstanceOf(ServiceStartException.class)
                    .hasMessage(
                            "Embedded Kafka cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort()
                                    + " because the port is already in use.");
        }
        assertThat(dir.resolve("k")).doesNotExist();
    }

    static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 5),
                new StringSerializer(),
                new StringSerializer());
    }

    static KafkaConsumer<String, String> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(
                Map.of(
                        "bootstrap.servers",
                        bootstrapServers,
                        "group.id",
                        "it-" + System.nanoTime(),
                        "auto.offset.reset",
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer());
    }

    /** Polls until {@code count} records arrived (or 30 s passed). */
    static List<ConsumerRecord<String, String>> consumeAll(
            String bootstrapServers, String topic, int count) {
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        return received;
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isDaemon() && t.isAlive())
                .collect(Collectors.toSet());
    }
}
