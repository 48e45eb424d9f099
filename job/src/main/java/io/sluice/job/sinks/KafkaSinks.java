package io.sluice.job.sinks;

import io.sluice.job.JobSettings;
import io.sluice.job.parse.DeadLetter;
import io.sluice.kafka.KafkaTopics;
import io.sluice.reading.Reading;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import java.time.Duration;
import java.util.List;

/**
 * The job's Kafka sinks: dead letters and late readings, at least once (both are kept, not
 * counted), each a KafkaSink's writer without its idle committer ({@link WriterOnlySink}).
 */
public final class KafkaSinks {
    private KafkaSinks() {}

    /**
     * Creates the dead-letter and late topics if they are missing (a broker may not create topics
     * itself).
     */
    public static void ensureTopics(JobSettings s) {
        for (String topic : List.of(s.deadLetterTopic(), s.lateTopic())) {
            KafkaTopics.create(s.bootstrapServers(), topic, 0, Duration.ofSeconds(30));
        }
    }

    public static Sink<DeadLetter> deadLetters(JobSettings s) {
        return atLeastOnce(s, new DeadLetterSerializer(s.deadLetterTopic()));
    }

    public static Sink<Reading> lateReadings(JobSettings s) {
        return atLeastOnce(s, new LateReadingSerializer(s.lateTopic()));
    }

    private static <T> Sink<T> atLeastOnce(
            JobSettings s, KafkaRecordSerializationSchema<T> serializer) {
        return new WriterOnlySink<>(
                KafkaSink.<T>builder()
                        .setBootstrapServers(s.bootstrapServers())
                        .setRecordSerializer(serializer)
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build());
    }
}
