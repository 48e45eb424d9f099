package io.sluice.job;

import io.sluice.config.SluiceConfig;
import io.sluice.job.parse.ParsedRecord;
import io.sluice.job.parse.ReadingSource;
import io.sluice.job.sinks.FaultsSink;
import io.sluice.job.sinks.HistorySink;
import io.sluice.job.sinks.KafkaSinks;
import io.sluice.job.sinks.Schema;
import io.sluice.job.sinks.redis.RedisSink;
import io.sluice.job.window.WindowStats;
import io.sluice.local.EmbeddedKafka;
import io.sluice.local.EmbeddedPostgresServer;
import io.sluice.local.EmbeddedRedisServer;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Embedded Kafka, PostgreSQL and Redis for a test class, and the job run over a bounded topic.
 * Register it with {@code @RegisterExtension static final PipelineFixture pipeline = new
 * PipelineFixture();} next to a {@link #miniCluster()}.
 */
final class PipelineFixture implements BeforeAllCallback, AfterAllCallback {
    EmbeddedKafka kafka;
    EmbeddedPostgresServer postgres;
    EmbeddedRedisServer redis;
    private Path dir;

    /** A MiniCluster of one TaskManager with two slots: the job runs at parallelism 2. */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("sluice-job-test");
        postgres = new EmbeddedPostgresServer(dir.resolve("pg")).start();
        redis = new EmbeddedRedisServer(dir.resolve("redis")).start();
        kafka = new EmbeddedKafka(dir.resolve("kafka")).start();
        Schema.apply(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    /** A file in this fixture's folder. */
    Path file(String name) {
        return dir.resolve(name);
    }

    /** The configuration for a topic, over the defaults, with the test's own overrides. */
    SluiceConfig config(String topic, Map<String, String> overrides) {
        Map<String, String> flags = new HashMap<>();
        flags.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        flags.put("kafka.topic.readings", topic);
        flags.put("kafka.topic.dead-letters", topic + ".dead");
        flags.put("kafka.topic.late", topic + ".late");
        flags.put("job.kafka.group.id", "test-" + topic);
        flags.put("job.kafka.starting.offsets", "earliest");
        flags.put("job.parallelism", "2");
        flags.put("jdbc.url", postgres.jdbcUrl());
        flags.put("jdbc.user", postgres.user());
        flags.put("jdbc.password", postgres.password());
        flags.put("redis.url", redis.redisUrl());
        flags.put("redis.stream.prefix", "sluice:" + topic + ":updates");
        flags.put("redis.latest.prefix", "sluice:" + topic + ":latest");
        flags.putAll(overrides);
        return SluiceConfig.load(Map.of(), flags);
    }

    /**
     * Runs the job over what the topic holds now, until it is all read, with the given history
     * sink.
     */
    void runJob(SluiceConfig config, Sink<WindowStats> history) throws Exception {
        JobSettings s = JobSettings.fromConfig(config);
        KafkaSinks.ensureTopics(s);
        Configuration conf = SluiceJob.flinkConfiguration(s);
        // A job that keeps failing fails the test, with its cause, instead of restarting for ever.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        // Small fetches: a backlog read in a few large polls would leave the watermark behind, and
        // nothing would be late; live, readings trickle in.
        KafkaSource<ParsedRecord> source =
                ReadingSource.builder(s)
                        .setBounded(OffsetsInitializer.latest())
                        .setProperty("max.poll.records", "50")
                        .build();
        new SluiceJob(
                        s,
                        source,
                        KafkaSinks.deadLetters(s),
                        KafkaSinks.lateReadings(s),
                        history,
                        RedisSink.fromConfig(config),
                        FaultsSink.create(s))
                .execute(env);
    }

    /** Runs the job with its production sinks. */
    void runJob(SluiceConfig config) throws Exception {
        runJob(config, HistorySink.create(JobSettings.fromConfig(config)));
    }

    void truncateHistory() throws Exception {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            st.execute("TRUNCATE window_stats, reading_faults");
        }
    }

    Connection connect() throws Exception {
        return DriverManager.getConnection(
                postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    /** Every record of a topic, from the beginning. */
    List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime())
                        .as("reading %s to its end", topic)
                        .isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        kafka.close();
        redis.close();
        postgres.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
