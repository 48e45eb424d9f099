package io.sluice.job.sinks;

import io.sluice.job.parse.DeadLetter;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * A dead letter as a Kafka record: the original key and value byte for byte, so it can be replayed
 * as it came, and the reason and provenance in headers (the convention of Kafka Connect's
 * dead-letter queues).
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String REASON = "sluice.reason";
    public static final String DETAIL = "sluice.detail";
    public static final String TOPIC = "sluice.source.topic";
    public static final String PARTITION = "sluice.source.partition";
    public static final String OFFSET = "sluice.source.offset";
    public static final String TIMESTAMP = "sluice.source.timestamp";

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter dead, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, utf8(dead.reason));
        headers.add(DETAIL, utf8(dead.detail));
        headers.add(TOPIC, utf8(dead.topic));
        headers.add(PARTITION, utf8(Integer.toString(dead.partition)));
        headers.add(OFFSET, utf8(Long.toString(dead.offset)));
        headers.add(TIMESTAMP, utf8(Long.toString(dead.timestamp)));
        return new ProducerRecord<>(topic, null, null, dead.key, dead.value, headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
