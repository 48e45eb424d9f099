package io.sluice.simulator;

import io.sluice.config.SluiceConfig;
import io.sluice.local.EmbeddedKafka;
import io.sluice.reading.ReadingCodec;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator against a real (embedded, KRaft) broker: what it sends is what a consumer reads.
 */
class SimulatorKafkaIT {
    private static final String START = "2026-11-26T00:00:00Z";
    @TempDir static Path dir;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = new EmbeddedKafka(dir.resolve("kafka")).start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void everyGeneratedRecordArrivesKeyedByTagInPerTagOrder() throws Exception {
        Path copy = dir.resolve("copy.ndjson");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("kafka.topic.readings", "it.readings");
        settings.put("simulator.tags", "200");
        settings.put("simulator.count", "20000");
        settings.put("simulator.rate", "max");
        settings.put("simulator.seed", "5");
        settings.put("simulator.start.time", START);
        settings.put("simulator.faults.out-of-order.fraction", "0.02");
        settings.put("simulator.faults.duplicate.fraction", "0.01");
        settings.put("simulator.faults.malformed.fraction", "0.01");
        StringWriter out = new StringWriter();
        int exit =
                SimulatorCommand.execute(
                        new String[] {
                            "--bootstrap-servers=" + kafka.bootstrapServers(),
                            "--topic=it.readings",
                            "--tags=200",
                            "--count=20000",
                            "--rate=max",
                            "--seed=5",
                            "--start-time=" + START,
                            "--out-of-order=0.02",
                            "--duplicates=0.01",
                            "--malformed=0.01",
                            "--copy-to=" + copy
                        },
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true));

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("summary: 20,000 records")
                .contains("20,000 acknowledged, 0 failed");

        // What the same settings generate, independently of the run.
        SimulatorSettings s =
                SimulatorSettings.fromConfig(
                        SluiceConfig.load(Map.of(), settings), Clock.systemUTC());
        ReadingGenerator generator = Simulator.generator(s, ReadingCodec.withDefaults());
        Map<String, List<String>> expectedPerKey = new HashMap<>();
        List<String> expectedCopy = new ArrayList<>();
        SimulatedRecord r = new SimulatedRecord();
        for (int i = 0; i < 20_000; i++) {
            generator.next(r);
            String value = new String(r.value, StandardCharsets.UTF_8);
            expectedPerKey
                    .computeIfAbsent(
                            new String(r.key, StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(value);
            if (r.kind.isReading()) {
                expectedCopy.add(value);
            }
        }

        assertThat(consumeAll(kafka.bootstrapServers(), "it.readings", 20_000))
                .isEqualTo(expectedPerKey);
        assertThat(Files.readAllLines(copy)).isEqualTo(expectedCopy);
    }

    @Test
    void printsAProgressLineEverySecond() {
        StringWriter out = new StringWriter();
        int exit =
                SimulatorCommand.execute(
                        new String[] {
                            "--bootstrap-servers=" + kafka.bootstrapServers(),
                            "--topic=it.progress",
                            "--tags=100",
                            "--rate=10000",
                            "--duration=2500ms"
                        },
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true));
        assertThat(exit).isZero();
        List<String> progress =
                out.toString().lines().filter(l -> l.matches("\\[\\s*\\d+s\\] rate .*")).toList();
        assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
        assertThat(progress.get(1))
                .containsPattern(
                        "rate\\s+\\d{1,2},\\d{3} records/s \\| sent\\s+[\\d,]+ \\| acked\\s+[\\d,]+ \\| errors 0");
    }

    /** Every record of the topic, by key; exactly {@code expected} of them must come. */
    static Map<String, List<String>> consumeAll(String bootstrap, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        Map<String, List<String>> perKey = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int n = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (n < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    perKey.computeIfAbsent(
                                    new String(record.key(), StandardCharsets.UTF_8),
                                    k -> new ArrayList<>())
                            .add(new String(record.value(), StandardCharsets.UTF_8));
                    n++;
                }
            }
            assertThat(n).isEqualTo(expected);
            assertThat(consumer.poll(Duration.ofMillis(500)).count())
                    .as("records beyond the count")
                    .isZero();
        }
        return perKey;
    }
}
