package io.sluice.job.sinks;

import io.sluice.job.JobSettings;
import io.sluice.job.parse.DeadLetter;
import io.sluice.reading.Reading;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The job's Kafka sinks: dead letters and late readings, at least once (both are kept, not counted). */
public final class KafkaSinks {
  private KafkaSinks() {}

  /**
   * Creates the dead-letter and late topics if they are missing (a broker may not create topics
   * on its own), with the readings topic's partition count or one.
   */
  public static void ensureTopics(JobSettings s) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      for (String topic : List.of(s.deadLetterTopic(), s.lateTopic())) {
        if (!existing.contains(topic)) {
          try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                .all().get(30, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw e;
            }
          }
        }
      }
    }
  }

  public static KafkaSink<DeadLetter> deadLetters(JobSettings s) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(s.bootstrapServers())
        .setRecordSerializer(new DeadLetterSerializer(s.deadLetterTopic()))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }

  public static KafkaSink<Reading> lateReadings(JobSettings s) {
    return KafkaSink.<Reading>builder()
        .setBootstrapServers(s.bootstrapServers())
        .setRecordSerializer(new LateReadingSerializer(s.lateTopic()))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }
}
