package io.sluice.job;

import io.sluice.config.SluiceConfig;
import io.sluice.job.sinks.DeadLetterSerializer;
import io.sluice.reading.ReadingSample;
import io.sluice.reading.ReadingSamples;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every malformed sample of the readings contract lands in the dead-letter topic, as it came, with
 * its provenance.
 */
class DeadLetterIT {
    @RegisterExtension
    @Order(1)
    static final MiniClusterExtension CLUSTER = PipelineFixture.miniCluster();

    @RegisterExtension
    @Order(2)
    static final PipelineFixture pipeline = new PipelineFixture();

    @Test
    void everyMalformedSampleLandsInTheDeadLetterTopicWithItsProvenance() throws Exception {
        String topic = "samples";
        pipeline.kafka.createTopic(topic, 2);
        // Where each sample went: "partition/offset" -> sample.
        Map<String, ReadingSample> sent = new HashMap<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ReadingSample sample : ReadingSamples.all()) {
                RecordMetadata m =
                        producer.send(
                                        new ProducerRecord<>(
                                                topic,
                                                sample.file().getBytes(StandardCharsets.UTF_8),
                                                sample.bytes()))
                                .get();
                sent.put(m.partition() + "/" + m.offset(), sample);
            }
        }
        SluiceConfig config = pipeline.config(topic, Map.of());

        pipeline.runJob(config);

        List<ConsumerRecord<byte[], byte[]>> dead =
                pipeline.consumeAll(JobSettings.fromConfig(config).deadLetterTopic());
        Map<String, ConsumerRecord<byte[], byte[]>> byOrigin = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            assertThat(header(record, DeadLetterSerializer.TOPIC)).isEqualTo(topic);
            String origin =
                    header(record, DeadLetterSerializer.PARTITION)
                            + "/"
                            + header(record, DeadLetterSerializer.OFFSET);
            assertThat(byOrigin.put(origin, record)).as("one dead letter for %s", origin).isNull();
        }
        long malformed = sent.values().stream().filter(s -> !s.accepted()).count();
        assertThat(dead).hasSize((int) malformed);
        sent.forEach(
                (origin, sample) -> {
                    ConsumerRecord<byte[], byte[]> record = byOrigin.get(origin);
                    if (sample.accepted()) {
                        assertThat(record)
                                .as("%s is a reading, not a dead letter", sample.file())
                                .isNull();
                        return;
                    }
                    assertThat(record).as("dead letter of %s", sample.file()).isNotNull();
                    assertThat(header(record, DeadLetterSerializer.REASON))
                            .as(sample.file())
                            .isEqualTo(sample.reason().name());
                    assertThat(header(record, DeadLetterSerializer.DETAIL))
                            .as(sample.file())
                            .isNotBlank();
                    assertThat(record.value())
                            .as("bytes of %s", sample.file())
                            .isEqualTo(sample.bytes());
                    assertThat(new String(record.key(), StandardCharsets.UTF_8))
                            .isEqualTo(sample.file());
                });
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
