package io.sluice.job.parse;

import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;
import io.sluice.reading.ReadingLimits;
import io.sluice.reading.Rejection;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses each Kafka record with the readings codec, inside the source: a reading goes on with its
 * event time, anything else becomes a dead letter with its provenance. It never throws, so no input
 * can fail or restart the job.
 */
public final class ReadingDeserializer implements KafkaRecordDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final ReadingLimits limits;
    private transient ReadingCodec codec;

    /**
     * Filled again for each reading: the source hands a record down its chain and the chain is done
     * with it when collect returns (the batching copies its fields; object reuse is on).
     */
    private transient ParsedRecord parsed;

    public ReadingDeserializer(ReadingLimits limits) {
        this.limits = limits;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codec = new ReadingCodec(limits);
        parsed = ParsedRecord.of(new Reading());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        if (codec == null) { // open() is optional for this interface
            open(null);
        }
        Rejection rejection = codec.decode(record.value(), parsed.reading);
        if (rejection == null) {
            parsed.tagId = codec.lastTagId();
            out.collect(parsed);
            return;
        }
        DeadLetter dead = new DeadLetter();
        dead.key = record.key();
        dead.value = record.value();
        dead.reason = rejection.reason().name();
        dead.detail = rejection.detail();
        dead.topic = record.topic();
        dead.partition = record.partition();
        dead.offset = record.offset();
        dead.timestamp = record.timestamp();
        out.collect(ParsedRecord.of(dead));
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
