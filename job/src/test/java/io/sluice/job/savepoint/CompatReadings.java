package io.sluice.job.savepoint;

import io.sluice.reading.Quality;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;

/**
 * The readings a savepoint fixture was taken over: part 1, read before the savepoint, and part 2,
 * read after the restore, made from a {@link Plan} alone.
 *
 * <p>Each tag reads {@code rateHz} times a second from {@code start}, on its own phase; a fraction
 * of the readings is sent up to {@code disorderMaxMs} late, within the job's out-of-orderness, so
 * nothing is late and every window is final on its first emission. Part 1 is what is sent before
 * {@code start + part1Ms}, which falls inside a second and inside a minute: a 1-second and a
 * 1-minute window of every tag hold readings of both parts.
 *
 * <p>Never change what a plan makes: committed savepoints hold Kafka offsets into exactly these
 * records, and fixture.properties keeps a checksum of part 1 that the restore test checks. Other
 * data is another plan (or another class).
 */
record CompatReadings(List<Sent> part1, List<Sent> part2) {

    /** The parameters of the data. */
    record Plan(
            long seed,
            int tags,
            int rateHz,
            Instant start,
            long part1Ms,
            long part2Ms,
            double disorderFraction,
            long disorderMaxMs,
            int partitions) {

        static Plan of(Properties p) {
            return new Plan(
                    Long.parseLong(p.getProperty("data.seed")),
                    Integer.parseInt(p.getProperty("data.tags")),
                    Integer.parseInt(p.getProperty("data.rate.hz")),
                    Instant.parse(p.getProperty("data.start")),
                    Long.parseLong(p.getProperty("data.part1.ms")),
                    Long.parseLong(p.getProperty("data.part2.ms")),
                    Double.parseDouble(p.getProperty("data.disorder.fraction")),
                    Long.parseLong(p.getProperty("data.disorder.max.ms")),
                    Integer.parseInt(p.getProperty("topic.partitions")));
        }

        void into(Properties p) {
            p.setProperty("data.seed", Long.toString(seed));
            p.setProperty("data.tags", Integer.toString(tags));
            p.setProperty("data.rate.hz", Integer.toString(rateHz));
            p.setProperty("data.start", start.toString());
            p.setProperty("data.part1.ms", Long.toString(part1Ms));
            p.setProperty("data.part2.ms", Long.toString(part2Ms));
            p.setProperty("data.disorder.fraction", Double.toString(disorderFraction));
            p.setProperty("data.disorder.max.ms", Long.toString(disorderMaxMs));
            p.setProperty("topic.partitions", Integer.toString(partitions));
        }

        /** Event time at which part 2 begins to be sent. */
        long split() {
            return start.toEpochMilli() + part1Ms;
        }
    }

    /** One record: its partition (a tag's readings all go to one), the reading and its bytes. */
    record Sent(int partition, Reading reading, byte[] value) {}

    static CompatReadings of(Plan plan) {
        ReadingCodec codec = ReadingCodec.withDefaults();
        Random random = new Random(plan.seed());
        long period = 1000 / plan.rateHz();
        long begin = plan.start().toEpochMilli();
        long end = begin + plan.part1Ms() + plan.part2Ms();
        List<Sent> all = new ArrayList<>();
        List<Long> sentAt = new ArrayList<>();
        for (int t = 0; t < plan.tags(); t++) {
            String tag = String.format("compat.line%d.pump%02d.pressure", t / 5, t);
            double level = 10 + 5 * t;
            for (long ts = begin + (t * 7L) % period; ts < end; ts += period) {
                level += random.nextGaussian();
                // Three decimals, as a gauge sends them.
                double value = Math.round(level * 1000) / 1000.0;
                double q = random.nextDouble();
                Quality quality =
                        q < 0.02 ? Quality.BAD : q < 0.06 ? Quality.UNCERTAIN : Quality.GOOD;
                long delay =
                        random.nextDouble() < plan.disorderFraction()
                                ? 1 + random.nextInt((int) plan.disorderMaxMs())
                                : 0;
                Reading r = new Reading(tag, ts, value, quality);
                all.add(new Sent(t % plan.partitions(), r, codec.encode(r)));
                sentAt.add(ts + delay);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        order.sort(
                Comparator.comparingLong((Integer i) -> sentAt.get(i))
                        .thenComparingLong(i -> all.get(i).reading().ts)
                        .thenComparing(i -> all.get(i).reading().tag));
        List<Sent> part1 = new ArrayList<>();
        List<Sent> part2 = new ArrayList<>();
        for (int i : order) {
            (sentAt.get(i) < plan.split() ? part1 : part2).add(all.get(i));
        }
        return new CompatReadings(List.copyOf(part1), List.copyOf(part2));
    }

    /** Every reading of both parts. */
    List<Reading> all() {
        List<Reading> readings = new ArrayList<>(part1.size() + part2.size());
        part1.forEach(s -> readings.add(s.reading()));
        part2.forEach(s -> readings.add(s.reading()));
        return readings;
    }

    static List<Reading> readings(List<Sent> records) {
        return records.stream().map(Sent::reading).toList();
    }

    /**
     * The job's watermark once part 1 is read: the lowest of the partitions' bounded-out-of-order
     * watermarks. Windows ending at or before it + 1 were emitted before the savepoint; no other.
     */
    long watermarkAfterPart1(long outOfOrdernessMs) {
        Map<Integer, Long> maxTs = new TreeMap<>();
        part1.forEach(s -> maxTs.merge(s.partition(), s.reading().ts, Math::max));
        return maxTs.values().stream().mapToLong(Long::longValue).min().orElseThrow()
                - outOfOrdernessMs
                - 1;
    }

    /** SHA-256 of the records, partition and bytes in the order sent. */
    static String checksum(List<Sent> records) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (Sent s : records) {
            digest.update(ByteBuffer.allocate(4).putInt(s.partition()).array());
            digest.update(s.value());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Sends the records in order, keyed by tag, each to its partition; returns each partition's end
     * offset after them.
     */
    static Map<Integer, Long> produce(String bootstrapServers, String topic, List<Sent> records)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Idempotent: a retried batch is neither duplicated nor reordered, so offsets are the
        // same on every run.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (Sent s : records) {
                byte[] key = s.reading().tag.getBytes(StandardCharsets.UTF_8);
                sends.add(
                        producer.send(new ProducerRecord<>(topic, s.partition(), key, s.value())));
            }
            producer.flush();
        }
        Map<Integer, Long> ends = new TreeMap<>();
        for (Future<RecordMetadata> send : sends) {
            RecordMetadata m = send.get();
            ends.merge(m.partition(), m.offset() + 1, Math::max);
        }
        return ends;
    }
}
