package io.sluice.job.sinks;

import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * A reading that came later than the allowed lateness, kept on its own topic in the readings
 * contract's canonical form (keyed by tag), so it can be inspected or replayed.
 */
public final class LateReadingSerializer implements KafkaRecordSerializationSchema<Reading> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient ReadingCodec codec;

    public LateReadingSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Reading reading, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = ReadingCodec.withDefaults(); // encoding needs no limits
        }
        return new ProducerRecord<>(
                topic, reading.tag.getBytes(StandardCharsets.UTF_8), codec.encode(reading));
    }
}
