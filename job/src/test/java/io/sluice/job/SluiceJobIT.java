package io.sluice.job;

import io.sluice.config.SluiceConfig;
import io.sluice.job.savepoint.OracleMatch;
import io.sluice.job.sinks.DeadLetterSerializer;
import io.sluice.job.sinks.HistorySink;
import io.sluice.job.window.WindowStats;
import io.sluice.reading.Quality;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;
import io.sluice.simulator.RunSummary;
import io.sluice.simulator.Simulator;
import io.sluice.simulator.SimulatorSettings;
import io.sluice.testing.WindowOracle;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job on a MiniCluster against embedded Kafka and PostgreSQL, fed by a deterministic
 * simulator run with out-of-order, late, duplicate and malformed readings; every stored row is
 * checked against {@link WindowOracle}.
 */
class SluiceJobIT {
    private static final long[] SIZES = {1000, 10_000};
    private static final Map<String, String> JOB =
            Map.of(
                    "job.window.sizes", "1s,10s",
                    "job.watermark.out-of-orderness.ms", "1000",
                    "job.window.allowed-lateness.ms", "2000",
                    "job.checkpoint.interval.ms", "300",
                    // The topic is read in a second or two: frequent watermarks make lateness
                    // happen as it would live.
                    "job.watermark.interval.ms", "5");

    @RegisterExtension
    @Order(1)
    static final MiniClusterExtension CLUSTER = PipelineFixture.miniCluster();

    @RegisterExtension
    @Order(2)
    static final PipelineFixture pipeline = new PipelineFixture();

    @BeforeEach
    void emptyTable() throws Exception {
        pipeline.truncateHistory();
    }

    @Test
    void everyStoredWindowEqualsTheOracle() throws Exception {
        List<Reading> sent = simulate("oracle", 40_000, "0.02");
        SluiceConfig config = pipeline.config("oracle", JOB);
        JobSettings s = JobSettings.fromConfig(config);

        pipeline.runJob(config);

        Map<String, WindowStats> rows = assertTableEqualsOracle(s, sent, true);
        RedisAgreement.assertRedisAgreesWith(rows, config, pipeline.redis.redisUrl());
        assertFaultsEqualTheTopics(s);
    }

    /**
     * reading_faults holds, per source and minute, as many late readings and dead letters as the
     * late and dead-letter topics got.
     */
    private static void assertFaultsEqualTheTopics(JobSettings s) throws Exception {
        ReadingCodec codec = ReadingCodec.withDefaults();
        Map<String, long[]> expected = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : pipeline.consumeAll(s.lateTopic())) {
            Reading r = new Reading();
            assertThat(codec.decode(record.value(), r)).isNull();
            expected.computeIfAbsent(r.tag + "@" + minute(r.ts), k -> new long[2])[0]++;
        }
        for (ConsumerRecord<byte[], byte[]> record : pipeline.consumeAll(s.deadLetterTopic())) {
            String key = record.key() == null ? null : new String(record.key(), UTF_8);
            String source =
                    key != null && ReadingCodec.isValidTag(key)
                            ? key
                            : "reason:" + header(record, DeadLetterSerializer.REASON);
            long at = Long.parseLong(header(record, DeadLetterSerializer.TIMESTAMP));
            expected.computeIfAbsent(source + "@" + minute(at), k -> new long[2])[1]++;
        }
        Map<String, long[]> stored = new TreeMap<>();
        try (Connection c = pipeline.connect();
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT source, minute, late_count, dead_letter_count"
                                                + " FROM reading_faults")) {
            while (rs.next()) {
                stored.put(
                        rs.getString(1) + "@" + rs.getTimestamp(2).getTime(),
                        new long[] {rs.getLong(3), rs.getLong(4)});
            }
        }
        assertThat(expected).as("faults on the topics").isNotEmpty();
        assertThat(stored.keySet()).isEqualTo(expected.keySet());
        expected.forEach(
                (key, counts) ->
                        assertThat(stored.get(key)).as("faults of %s", key).isEqualTo(counts));
    }

    private static long minute(long epochMs) {
        return Math.floorDiv(epochMs, 60_000L) * 60_000L;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), UTF_8);
    }

    @Test
    void aFailureMidRunRestartsFromTheCheckpointAndTheTableStillEqualsTheOracle() throws Exception {
        // No readings beyond the bound here: whether a reading is later than the allowed lateness
        // depends on when watermarks were emitted, which a replay does not repeat; readings within
        // the
        // bound are never late, so the replay must reproduce every row exactly.
        List<Reading> sent = simulate("failure", 60_000, "0");
        Map<String, String> job = new HashMap<>(JOB);
        // The job reads these readings in well under a second: checkpoint often enough that one
        // completes before the end, so that the failure comes after it.
        job.put("job.checkpoint.interval.ms", "50");
        SluiceConfig config = pipeline.config("failure", job);
        JobSettings s = JobSettings.fromConfig(config);
        FailOnceSink.reset();

        pipeline.runJob(config, new FailOnceSink<>(HistorySink.create(s), 200));

        assertThat(FailOnceSink.failed())
                .as("the injected failure happened after a checkpoint")
                .isTrue();
        assertTableEqualsOracle(s, sent, false);
    }

    @Test
    void theRocksDbStateBackendStoresTheSameWindows() throws Exception {
        List<Reading> sent = simulate("rocksdb", 20_000, "0");
        Map<String, String> job = new HashMap<>(JOB);
        job.put("job.state.backend", "rocksdb");
        SluiceConfig config = pipeline.config("rocksdb", job);

        pipeline.runJob(config);

        assertTableEqualsOracle(JobSettings.fromConfig(config), sent, false);
    }

    /**
     * Sends a deterministic run to the topic and returns the valid readings it sent, from its copy.
     */
    private static List<Reading> simulate(String topic, int records, String lateFraction)
            throws Exception {
        Path copy = pipeline.file(topic + ".ndjson");
        Map<String, String> flags = new HashMap<>();
        flags.put("kafka.bootstrap.servers", pipeline.kafka.bootstrapServers());
        flags.put("kafka.topic.readings", topic);
        flags.put("simulator.tags", "60");
        flags.put("simulator.count", Integer.toString(records));
        flags.put("simulator.rate", "max");
        flags.put("simulator.seed", "3");
        flags.put("simulator.start.time", "2026-11-26T08:00:00Z");
        flags.put("simulator.faults.out-of-order.fraction", "0.03");
        flags.put("simulator.faults.out-of-order.bound.ms", "1000");
        flags.put("simulator.faults.late.fraction", lateFraction);
        flags.put("simulator.faults.late.max.ms", "6000");
        flags.put("simulator.faults.duplicate.fraction", "0.02");
        flags.put("simulator.faults.malformed.fraction", "0.01");
        flags.put("simulator.copy.file", copy.toString());
        SimulatorSettings settings =
                SimulatorSettings.fromConfig(SluiceConfig.load(Map.of(), flags), Clock.systemUTC());
        RunSummary summary =
                new Simulator(
                                settings,
                                ReadingCodec.withDefaults(),
                                new PrintWriter(Writer.nullWriter()))
                        .run(new AtomicBoolean());
        assertThat(summary.failed()).isZero();

        ReadingCodec codec = ReadingCodec.withDefaults();
        List<Reading> readings = new ArrayList<>();
        for (String line : Files.readAllLines(copy)) {
            Reading r = new Reading();
            assertThat(codec.decode(line.getBytes(), r)).isNull();
            readings.add(r);
        }
        return readings;
    }

    /** Checks every stored row against the oracle, and returns the rows. */
    private static Map<String, WindowStats> assertTableEqualsOracle(
            JobSettings s, List<Reading> sent, boolean expectLate) throws Exception {
        ReadingCodec codec = ReadingCodec.withDefaults();
        Set<Reading> late = new HashSet<>();
        pipeline.consumeAll(s.lateTopic())
                .forEach(
                        record -> {
                            Reading r = new Reading();
                            assertThat(codec.decode(record.value(), r)).isNull();
                            late.add(r);
                        });
        List<Reading> accepted = sent.stream().filter(r -> !late.contains(r)).toList();
        assertThat(!late.isEmpty())
                .as("the run had readings later than the allowed lateness")
                .isEqualTo(expectLate);
        assertThat(accepted.size()).isGreaterThan(sent.size() * 9 / 10);

        Map<String, WindowOracle.Row> expected = WindowOracle.expected(accepted, SIZES);
        Map<String, WindowStats> stored = readTable();

        Set<String> missing = new HashSet<>(expected.keySet());
        missing.removeAll(stored.keySet());
        Set<String> extra = new HashSet<>(stored.keySet());
        extra.removeAll(expected.keySet());
        assertThat(missing)
                .as(
                        "%d windows missing of %d expected; %d unexpected",
                        missing.size(), expected.size(), extra.size())
                .isEmpty();
        assertThat(extra).as("unexpected windows").isEmpty();
        for (Map.Entry<String, WindowOracle.Row> e : expected.entrySet()) {
            WindowOracle.Row o = e.getValue();
            WindowStats w = stored.get(e.getKey());
            OracleMatch.assertMatches(w, o);
        }
        return stored;
    }

    private static Map<String, WindowStats> readTable() throws Exception {
        Map<String, WindowStats> rows = new HashMap<>();
        try (Connection c = pipeline.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM window_stats")) {
            while (rs.next()) {
                WindowStats w = new WindowStats();
                w.tag = rs.getString("tag");
                w.windowMs = rs.getInt("window_ms");
                w.windowStart = rs.getTimestamp("window_start").getTime();
                w.count = rs.getLong("count");
                w.goodCount = rs.getLong("good_count");
                w.uncertainCount = rs.getLong("uncertain_count");
                w.badCount = rs.getLong("bad_count");
                w.sum = rs.getDouble("sum");
                w.min = rs.getDouble("min");
                w.max = rs.getDouble("max");
                w.firstTs = rs.getTimestamp("first_ts").getTime();
                w.firstValue = rs.getDouble("first_value");
                w.lastTs = rs.getTimestamp("last_ts").getTime();
                w.lastValue = rs.getDouble("last_value");
                w.mean = rs.getDouble("mean");
                w.m2 = rs.getDouble("m2");
                w.twaArea = rs.getDouble("twa_area");
                w.twaSpanMs = rs.getLong("twa_span_ms");
                w.worstQuality = Quality.ofWire(rs.getString("worst_quality"));
                w.revision = rs.getInt("revision");
                w.mean = rs.getDouble("mean");
                rows.put(WindowOracle.key(w.tag, w.windowMs, w.windowStart), w);
            }
        }
        return rows;
    }
}
