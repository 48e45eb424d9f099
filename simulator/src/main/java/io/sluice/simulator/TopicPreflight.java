package io.sluice.simulator;

import io.sluice.kafka.KafkaTopics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks, before the first reading, that the broker answers and the topic exists (creating it if
 * not, with {@link KafkaTopics}), so that a wrong address fails in seconds with one clear line
 * instead of a producer blocking and retrying forever.
 */
public final class TopicPreflight {
    private static final long TIMEOUT_SECONDS = 5;

    private TopicPreflight() {}

    /**
     * Checks the broker, and creates the topic if missing (waiting until every partition has a
     * leader).
     */
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
        p.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(TIMEOUT_SECONDS * 1000));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT_SECONDS * 1000));
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            KafkaTopics.create(
                    admin, s.topic(), s.partitions(), Duration.ofSeconds(TIMEOUT_SECONDS));
        } catch (KafkaException e) {
            throw new SimulatorException(
                    "kafka.bootstrap.servers '"
                            + s.bootstrapServers()
                            + "' is not usable: "
                            + ProducerFactory.rootMessage(e),
                    e);
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(s, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException("interrupted while checking the broker", e);
        }
    }

    private static SimulatorException unreachable(SimulatorSettings s, Exception e) {
        return new SimulatorException(
                "cannot reach Kafka at "
                        + s.bootstrapServers()
                        + " within "
                        + TIMEOUT_SECONDS
                        + " s",
                e);
    }
}
