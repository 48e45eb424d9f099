package io.sluice.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Measurement (a): a plain {@code KafkaConsumer<byte[], byte[]>} on one thread reading the whole
 * topic, the physical limit on this machine that every other figure is divided by.
 *
 * <p>No group: it assigns itself every partition and seeks to the beginning, so there is no group
 * join or rebalance in the timed span. It decodes nothing, but does touch every record (it sums the
 * value sizes) so that nothing can be skipped.
 */
final class RawConsumerRead implements Measurement {
    /** Records handed out by one poll (default 500): fewer round trips through poll(). */
    static final int MAX_POLL_RECORDS = 10_000;

    /** Bytes per partition in one fetch response (default 1 MiB). */
    static final int MAX_PARTITION_FETCH_BYTES = 8 << 20;

    /** Bytes in one fetch response over all partitions (default 50 MiB). */
    static final int FETCH_MAX_BYTES = 64 << 20;

    /** Socket receive buffer (default 64 KiB). */
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    /**
     * A run that sees no new record for this long has lost some: fail instead of waiting forever.
     */
    private static final Duration STALL = Duration.ofSeconds(30);

    static Properties properties(PreloadedTopic topic, String runId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, topic.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-raw-" + runId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        p.put(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Integer.toString(MAX_PARTITION_FETCH_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(FETCH_MAX_BYTES));
        p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(RECEIVE_BUFFER_BYTES));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        return p;
    }

    @Override
    public Timing run(PreloadedTopic topic, int parallelism, String runId, boolean verify) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties(topic, runId))) {
            long start = System.nanoTime();
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic.topic()).stream()
                            .map(PartitionInfo::partition)
                            .map(p -> new TopicPartition(topic.topic(), p))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long seen = 0;
            long bytes = 0;
            long lastProgress = System.nanoTime();
            while (seen < topic.records()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                        throw new IllegalStateException(
                                "(a) read "
                                        + seen
                                        + " of "
                                        + topic.records()
                                        + " records, then nothing for "
                                        + STALL.toSeconds()
                                        + " s");
                    }
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    bytes += r.value().length;
                }
                seen += records.count();
                lastProgress = System.nanoTime();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (seen != topic.records()) {
                throw new IllegalStateException(
                        "(a) read " + seen + " records from a topic of " + topic.records());
            }
            return new Timing(
                    seen,
                    seconds,
                    seconds,
                    String.format("%.2f s, %,.0f MB/s of values", seconds, bytes / seconds / 1e6));
        }
    }
}
