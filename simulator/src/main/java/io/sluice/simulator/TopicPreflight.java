package io.sluice.simulator;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Checks, before the first reading, that the broker answers and the topic exists (creating it
 * if not), so that a wrong address fails in seconds with one clear line instead of a producer
 * blocking and retrying forever.
 */
public final class TopicPreflight {
  private static final long TIMEOUT_SECONDS = 5;

  private TopicPreflight() {}

  /** Checks the broker, creates the topic if missing, and waits until every partition has a leader. */
  public static void ensureTopic(SimulatorSettings s) {
    if (s.bootstrapServers().isBlank() || s.bootstrapServers().equals("embedded")) {
      throw new SimulatorException(
          "kafka.bootstrap.servers is '"
              + s.bootstrapServers()
              + "': the simulator needs a running broker; pass --bootstrap-servers=HOST:PORT"
              + " (flink-deploy/local-services starts one)",
          null);
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT_SECONDS * 1000));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT_SECONDS * 1000));
    try (Admin admin = Admin.create(p)) {
      try {
        admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw unreachable(s, e);
      }
      Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!topics.contains(s.topic())) {
        try {
          admin
              .createTopics(List.of(new NewTopic(s.topic(), s.partitions(), (short) 1)))
              .all()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new SimulatorException(
                "cannot create topic " + s.topic() + ": " + ProducerFactory.rootMessage(e), e);
          }
        }
      }
      awaitLeaders(admin, s.topic());
    } catch (KafkaException e) {
      throw new SimulatorException(
          "kafka.bootstrap.servers '" + s.bootstrapServers() + "' is not usable: " + ProducerFactory.rootMessage(e), e);
    } catch (TimeoutException | ExecutionException e) {
      throw unreachable(s, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SimulatorException("interrupted while checking the broker", e);
    }
  }

  /**
   * Producing to a partition whose leader is not yet elected fails with NOT_LEADER_OR_FOLLOWER,
   * and the idempotent producer (Kafka 4.2) then loops on OUT_OF_ORDER_SEQUENCE_NUMBER until its
   * delivery timeout, losing records: seen right after topic creation. So wait for the leaders.
   */
  private static void awaitLeaders(Admin admin, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
      if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new SimulatorException("topic " + topic + " has partitions without a leader", null);
      }
      Thread.sleep(50);
    }
  }

  private static SimulatorException unreachable(SimulatorSettings s, Exception e) {
    return new SimulatorException(
        "cannot reach Kafka at " + s.bootstrapServers() + " within " + TIMEOUT_SECONDS + " s", e);
  }
}
