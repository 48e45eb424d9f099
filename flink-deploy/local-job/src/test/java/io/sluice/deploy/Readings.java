package io.sluice.deploy;

import io.sluice.reading.Quality;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A handful of readings with known windows, and the window rows they become in PostgreSQL.
 *
 * <p>Eight tags, 41 readings each, 100 ms apart from {@link #BEGINNING}, reading k of a tag has
 * value k: 4 s of event time. With the default 2 s out-of-orderness the watermark reaches 1.999 s,
 * so each tag's first two 1 s windows close: k = 0..9 and k = 10..19.
 */
final class Readings {
    static final Instant BEGINNING = Instant.parse("2026-11-26T08:00:00Z");
    static final int TAGS = 8;
    static final int PER_TAG = 41;

    private Readings() {}

    static String tag(String plant, int t) {
        return plant + ".area01.pump" + String.format("%03d", t) + ".pressure";
    }

    /**
     * Sends the readings, keyed by tag; tag t goes to partition t mod partitions, so that every
     * partition holds readings and its watermark moves (an empty one would hold the job's back).
     */
    static void produce(String bootstrap, String topic, int partitions, String plant)
            throws Exception {
        produce(bootstrap, topic, partitions, plant, 0, PER_TAG);
    }

    /** Readings k = from, ..., to - 1 of each tag, as {@link #produce} sends them. */
    static void produce(
            String bootstrap, String topic, int partitions, String plant, int from, int to)
            throws Exception {
        ReadingCodec codec = ReadingCodec.withDefaults();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(producerProps(bootstrap))) {
            for (int k = from; k < to; k++) {
                for (int t = 0; t < TAGS; t++) {
                    Reading r =
                            new Reading(
                                    tag(plant, t),
                                    BEGINNING.toEpochMilli() + k * 100L,
                                    k,
                                    Quality.GOOD);
                    producer.send(
                            new ProducerRecord<>(topic, t % partitions, r.tag, codec.encode(r)));
                }
            }
            producer.flush();
        }
    }

    /** One reading of tag t at position k (its event time), with the value given. */
    static void produceOne(
            String bootstrap,
            String topic,
            int partitions,
            String plant,
            int t,
            int k,
            double value)
            throws Exception {
        Reading r =
                new Reading(
                        tag(plant, t), BEGINNING.toEpochMilli() + k * 100L, value, Quality.GOOD);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(producerProps(bootstrap))) {
            producer.send(
                    new ProducerRecord<>(
                            topic, t % partitions, r.tag, ReadingCodec.withDefaults().encode(r)));
            producer.flush();
        }
    }

    /** Every record of a topic, from its beginning, decoded as readings: "tag ts value". */
    static List<String> readAll(String bootstrap, String topic) {
        Map<String, Object> props =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                                ByteArrayDeserializer.class.getName(),
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                                ByteArrayDeserializer.class.getName());
        ReadingCodec codec = ReadingCodec.withDefaults();
        List<String> readings = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    Reading r = new Reading();
                    codec.decode(record.value(), r);
                    readings.add(r.tag + " " + Instant.ofEpochMilli(r.ts) + " " + r.value);
                }
            }
        }
        return readings;
    }

    private static Map<String, Object> producerProps(String bootstrap) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    }

    /** The rows the readings must become, as {@link #windowRows} prints them. */
    static List<String> expectedRows(String plant) {
        return expectedRows(plant, 2);
    }

    /** The first {@code windows} 1 s windows of each tag: window w holds k = 10w, ..., 10w + 9. */
    static List<String> expectedRows(String plant, int windows) {
        List<String> expected = new ArrayList<>();
        for (int t = 0; t < TAGS; t++) {
            for (int w = 0; w < windows; w++) {
                expected.add(
                        String.format(
                                Locale.ROOT,
                                "%s 08:00:%02d count=10 min=%.1f max=%.1f sum=%.1f",
                                tag(plant, t),
                                w,
                                10.0 * w,
                                10.0 * w + 9,
                                100.0 * w + 45));
            }
        }
        return expected;
    }

    /** The plant's 1 s window rows, one line each, ordered by tag and start. */
    static List<String> windowRows(String jdbcUrl, String user, String password, String plant)
            throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                PreparedStatement st =
                        c.prepareStatement(
                                "SELECT tag, to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI:SS'), count, min, max, sum"
                                        + " FROM window_stats WHERE window_ms = 1000 AND tag LIKE ? ORDER BY tag, window_start")) {
            st.setString(1, plant + ".%");
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(
                            rs.getString(1)
                                    + " "
                                    + rs.getString(2)
                                    + " count="
                                    + rs.getLong(3)
                                    + " min="
                                    + rs.getDouble(4)
                                    + " max="
                                    + rs.getDouble(5)
                                    + " sum="
                                    + rs.getDouble(6));
                }
            }
            return rows;
        }
    }
}
