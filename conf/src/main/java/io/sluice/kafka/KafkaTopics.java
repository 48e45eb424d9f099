package io.sluice.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Topic creation for every module that creates topics (the embedded broker, the simulator, the
 * job), on the embedded broker or a real cluster.
 *
 * <p>It waits until every partition has a leader: producing to a partition whose leader is not yet
 * elected fails with NOT_LEADER_OR_FOLLOWER, and the idempotent producer of Kafka 4.2 then loops on
 * OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout, losing records (seen here right after
 * topic creation).
 */
public final class KafkaTopics {
    private KafkaTopics() {}

    /** Creates the topic on the cluster at bootstrapServers, with a short-lived admin client. */
    public static void create(
            String bootstrapServers, String name, int partitions, Duration timeout) {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                AdminClientConfig.CLIENT_ID_CONFIG,
                                "sluice-topics"))) {
            create(admin, name, partitions, timeout);
        }
    }

    /**
     * Creates a topic (the broker's default replication factor; its default partition count when
     * {@code partitions} is 0) and waits until every partition has a leader. A topic that already
     * exists is left as it is.
     */
    public static void create(Admin admin, String name, int partitions, Duration timeout) {
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must not be negative: " + partitions);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            admin.createTopics(
                            List.of(
                                    new NewTopic(
                                            name,
                                            partitions == 0
                                                    ? Optional.empty()
                                                    : Optional.of(partitions),
                                            Optional.empty())))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaException(
                        "could not create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new KafkaException("timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topic " + name, e);
        }
        awaitLeaders(admin, name, deadline);
    }

    private static void awaitLeaders(Admin admin, String name, long deadline) {
        while (true) {
            try {
                TopicDescription description =
                        admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
                if (description.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                // The broker's metadata can trail the controller's by a moment.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new KafkaException(
                            "could not describe topic " + name + ": " + e.getCause(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topic " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new KafkaException("topic " + name + " has partitions without a leader");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topic " + name, e);
            }
        }
    }
}
