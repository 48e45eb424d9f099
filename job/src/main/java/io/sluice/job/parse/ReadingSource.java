package io.sluice.job.parse;

import io.sluice.job.JobSettings;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The readings topic as a KafkaSource that parses inside the source; offsets live in checkpoints.
 */
public final class ReadingSource {
    private ReadingSource() {}

    /** The production source: unbounded. */
    public static KafkaSource<ParsedRecord> create(JobSettings s) {
        return builder(s).build();
    }

    /**
     * A source over the topic's records up to now, for tests and benchmarks: the job ends when they
     * are read.
     */
    public static KafkaSource<ParsedRecord> bounded(JobSettings s) {
        return builder(s).setBounded(OffsetsInitializer.latest()).build();
    }

    /** The source's builder, for a caller that needs other consumer settings. */
    public static KafkaSourceBuilder<ParsedRecord> builder(JobSettings s) {
        return KafkaSource.<ParsedRecord>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setTopics(s.readingsTopic())
                .setGroupId(s.groupId())
                .setStartingOffsets(startingOffsets(s.startingOffsets()))
                .setDeserializer(new ReadingDeserializer(s.readingLimits()));
    }

    private static OffsetsInitializer startingOffsets(String name) {
        switch (name) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }
}
