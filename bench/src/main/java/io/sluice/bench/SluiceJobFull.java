package io.sluice.bench;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.job.JobSettings;
import io.sluice.job.sinks.FaultsSink;
import io.sluice.job.sinks.HistorySink;
import io.sluice.job.sinks.KafkaSinks;
import io.sluice.job.sinks.Schema;
import io.sluice.job.sinks.redis.RedisSink;
import io.sluice.job.sinks.redis.RedisSinkOptions;
import io.sluice.update.RedisClients;
import io.sluice.update.UpdateKeys;

import org.apache.flink.api.common.JobExecutionResult;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measurement (c): the full job, as {@code SluiceJob.main} wires it: the history sink (upserts
 * through flink-connector-jdbc into PostgreSQL, batches of {@code job.jdbc.batch.size}), the live
 * sink into Redis, and the Kafka sinks for dead letters and late readings; PostgreSQL and Redis run
 * embedded in the services process, beside the broker.
 *
 * <p>Before each run, untimed: the schema is applied, {@code window_stats} truncated and Redis
 * emptied. After it: the table must hold one row per (tag, window) the data has, for each size,
 * with all the readings in each size and no revision; Redis's latest-values hashes must hold every
 * tag for each size; and the dead-letter and late topics must not have grown. The note gives the
 * window rows per second written to PostgreSQL, over the same net runtime.
 */
final class SluiceJobFull implements Measurement {
    static final String LETTER = "c";

    private final ServicesProcess services;
    private final Map<String, String> job;
    private boolean topicsEnsured;

    /** Window rows written per reading read, from the last run. */
    private double rowsPerReading = Double.NaN;

    /**
     * @param services a process running PostgreSQL and Redis (and the broker)
     * @param job settings over the job's defaults (empty: the defaults)
     */
    SluiceJobFull(ServicesProcess services, Map<String, String> job) {
        this.services = services;
        this.job = Map.copyOf(job);
    }

    @Override
    public Timing run(PreloadedTopic topic, int parallelism, String runId, boolean verify)
            throws Exception {
        Path checkpoints = SluiceJobRuns.checkpointFolder(LETTER, runId);
        try {
            Map<String, String> more = new HashMap<>(job);
            more.put(ConfigKeys.JDBC_URL, services.address(ConfigKeys.JDBC_URL));
            more.put(ConfigKeys.JDBC_USER, services.address(ConfigKeys.JDBC_USER));
            more.put(ConfigKeys.JDBC_PASSWORD, services.address(ConfigKeys.JDBC_PASSWORD));
            more.put(ConfigKeys.REDIS_URL, services.address(ConfigKeys.REDIS_URL));
            SluiceConfig config =
                    SluiceJobRuns.config(topic, parallelism, LETTER, runId, checkpoints, more);
            JobSettings s = JobSettings.fromConfig(config);
            ExpectedWindows expected = ExpectedWindows.of(topic, s.windowSizesMs());
            RedisSinkOptions redis = RedisSinkOptions.fromConfig(config);
            prepare(s, redis);
            long deadBefore = endOffsets(s.bootstrapServers(), s.deadLetterTopic());
            long lateBefore = endOffsets(s.bootstrapServers(), s.lateTopic());

            long wallStart = System.nanoTime();
            double cpuStart = SluiceJobRuns.cpuSeconds();
            JobExecutionResult result =
                    SluiceJobRuns.run(
                            s,
                            KafkaSinks.deadLetters(s),
                            KafkaSinks.lateReadings(s),
                            HistorySink.create(s),
                            RedisSink.fromConfig(config),
                            FaultsSink.create(s));
            double wall = (System.nanoTime() - wallStart) / 1e9;
            double cpu = SluiceJobRuns.cpuSeconds() - cpuStart;
            double net = result.getNetRuntime() / 1e3;

            long rows = checkTable(s, topic, expected);
            rowsPerReading = rows / (double) topic.records();
            int tagsInRedis = checkRedis(redis, expected);
            long dead = endOffsets(s.bootstrapServers(), s.deadLetterTopic()) - deadBefore;
            long late = endOffsets(s.bootstrapServers(), s.lateTopic()) - lateBefore;
            if (dead != 0 || late != 0) {
                throw new IllegalStateException(
                        String.format("(c) %,d dead letters and %,d late readings", dead, late));
            }
            return new Timing(
                    topic.records(),
                    net,
                    wall,
                    String.format(
                            "net runtime %.2f s, wall %.2f s, CPU %.1f s (this JVM; PostgreSQL not counted); %,d window rows in"
                                    + " PostgreSQL (%s), %,.0f rows/s; latest of all %,d tags in Redis",
                            net,
                            wall,
                            cpu,
                            rows,
                            SluiceJobRuns.describeWindows(expected.rows()),
                            rows / net,
                            tagsInRedis));
        } finally {
            SluiceJobRuns.delete(checkpoints);
        }
    }

    /**
     * Window rows into PostgreSQL per reading, as the last run wrote them: rows/s = readings/s x
     * this.
     */
    double rowsPerReading() {
        return rowsPerReading;
    }

    /** Schema, an empty table, an empty Redis, the dead-letter and late topics: all untimed. */
    private void prepare(JobSettings s, RedisSinkOptions redis) throws Exception {
        Schema.apply(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
        try (Connection c =
                        DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement()) {
            st.execute("TRUNCATE window_stats");
            // Statistics of an empty table would mislead the planner of the first batches' upserts.
            st.execute("ANALYZE window_stats");
        }
        try (Jedis jedis = RedisClients.connect(URI.create(redis.redisUrl()))) {
            jedis.flushAll();
        }
        if (!topicsEnsured) {
            KafkaSinks.ensureTopics(s);
            topicsEnsured = true;
        }
    }

    /**
     * Fails unless each window size has its rows, with all the readings and no revision; returns
     * the rows.
     */
    private static long checkTable(JobSettings s, PreloadedTopic topic, ExpectedWindows expected)
            throws Exception {
        Map<Long, long[]> stored = new TreeMap<>();
        try (Connection c =
                        DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT window_ms, count(*), sum(count), max(revision) FROM window_stats GROUP BY window_ms")) {
            while (rs.next()) {
                stored.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
            }
        }
        long rows = 0;
        for (Map.Entry<Long, Long> e : expected.rows().entrySet()) {
            long[] got = stored.getOrDefault(e.getKey(), new long[3]);
            if (got[0] != e.getValue() || got[1] != topic.records() || got[2] != 0) {
                throw new IllegalStateException(
                        String.format(
                                "(c) window_stats holds %,d windows of %s with %,d readings (highest revision %d);"
                                        + " expected %,d windows with %,d readings, revision 0",
                                got[0],
                                SluiceJobRuns.label(e.getKey()),
                                got[1],
                                got[2],
                                e.getValue(),
                                topic.records()));
            }
            rows += got[0];
        }
        if (stored.size() != expected.rows().size()) {
            throw new IllegalStateException(
                    "(c) window_stats holds window sizes " + stored.keySet());
        }
        return rows;
    }

    /**
     * Fails unless the latest-values hashes of each window size hold every tag; returns the tags.
     */
    private static int checkRedis(RedisSinkOptions redis, ExpectedWindows expected) {
        int tags = 0;
        try (Jedis jedis = RedisClients.connect(URI.create(redis.redisUrl()))) {
            for (long size : expected.rows().keySet()) {
                String pattern = redis.latestPrefix() + ":" + UpdateKeys.windowLabel(size) + ":*";
                long fields = 0;
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page =
                            jedis.scan(cursor, new ScanParams().match(pattern).count(1000));
                    for (String key : page.getResult()) {
                        fields += jedis.hlen(key);
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
                if (fields != expected.tags()) {
                    throw new IllegalStateException(
                            String.format(
                                    "(c) Redis holds the latest %s window of %,d tags, the topic has %,d",
                                    SluiceJobRuns.label(size), fields, expected.tags()));
                }
                tags = (int) fields;
            }
        }
        return tags;
    }

    private static long endOffsets(String bootstrap, String topicName) {
        PreloadedTopic t = new PreloadedTopic(bootstrap, topicName, 0, 0);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(RawConsumerRead.properties(t, "bench-c-offsets"))) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topicName).stream()
                            .map(p -> new TopicPartition(topicName, p.partition()))
                            .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }
}
