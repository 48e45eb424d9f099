package io.sluice.job;

import io.sluice.config.SluiceConfig;
import io.sluice.job.batch.BatchByTag;
import io.sluice.job.batch.ReadingBatch;
import io.sluice.job.batch.ReadingBatchSerializer;
import io.sluice.job.faults.FaultCount;
import io.sluice.job.faults.FaultCounts;
import io.sluice.job.parse.DeadLetter;
import io.sluice.job.parse.ParsedRecord;
import io.sluice.job.parse.ReadingSource;
import io.sluice.job.sinks.FaultsSink;
import io.sluice.job.sinks.HistorySink;
import io.sluice.job.sinks.KafkaSinks;
import io.sluice.job.sinks.Schema;
import io.sluice.job.sinks.redis.ChannelGroupKeySelector;
import io.sluice.job.sinks.redis.RedisSink;
import io.sluice.job.window.TagWindows;
import io.sluice.job.window.TagWindowsOperator;
import io.sluice.job.window.WindowStats;
import io.sluice.job.window.WindowStatsSerializer;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * The Sluice job: readings from Kafka, parsed, windowed per tag, into PostgreSQL and Redis.
 *
 * <p>The graph is built from a source and sinks given to the constructor, so that tests run the
 * same graph on a MiniCluster with bounded sources and sinks of their own; {@link #main} wires the
 * production ones from the configuration.
 *
 * <pre>
 * readings (KafkaSource, parse, per-partition watermarks)
 *   -> batch (each tag's readings, one record per tag and window): dead letters -> dead-letter sink
 *   -> keyBy(tag) -> windows (all sizes, lateness, revisions): late readings -> late sink
 *        -> history sink (PostgreSQL upsert)
 *        -> keyBy(channel group) -> live sink (Redis stream and latest hashes)
 *   late readings + dead letters -> keyBy(source, minute) -> fault counts -> faults sink
 * </pre>
 */
public final class SluiceJob {
    private final JobSettings settings;
    private final Source<ParsedRecord, ?, ?> source;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<Reading> lateReadings;
    private final Sink<WindowStats> history;
    private final Sink<WindowStats> live;
    private final Sink<FaultCount> faults;

    public SluiceJob(
            JobSettings settings,
            Source<ParsedRecord, ?, ?> source,
            Sink<DeadLetter> deadLetters,
            Sink<Reading> lateReadings,
            Sink<WindowStats> history,
            Sink<WindowStats> live,
            Sink<FaultCount> faults) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.source = Objects.requireNonNull(source, "source");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.lateReadings = Objects.requireNonNull(lateReadings, "lateReadings");
        this.history = Objects.requireNonNull(history, "history");
        this.live = Objects.requireNonNull(live, "live");
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    /**
     * Reads the configuration (file, environment, then {@code --key value} arguments) and runs the
     * job; see {@link SluiceJobCommand}.
     */
    public static void main(String[] args) {
        int code =
                SluiceJobCommand.execute(
                        args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        // Only on failure: flink run calls main in its own JVM, which must go on after a success.
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * The production job of a configuration: KafkaSource, the dead-letter and late Kafka sinks,
     * HistorySink and RedisSink.
     *
     * <p>Also prepares what they need: applies the schema (when job.schema.apply) and creates the
     * dead-letter and late topics. {@link #main} and flink-deploy/local-job both run the job built
     * here, so a local run has exactly the production wiring.
     */
    public static SluiceJob fromConfig(SluiceConfig config) throws Exception {
        JobSettings settings = JobSettings.fromConfig(config);
        if (settings.applySchema()) {
            Schema.apply(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        }
        KafkaSinks.ensureTopics(settings);
        return new SluiceJob(
                settings,
                ReadingSource.create(settings),
                KafkaSinks.deadLetters(settings),
                KafkaSinks.lateReadings(settings),
                HistorySink.create(settings),
                RedisSink.fromConfig(config),
                FaultsSink.create(settings));
    }

    /** The settings the job was built with. */
    public JobSettings settings() {
        return settings;
    }

    /** RocksDBOptions.TIMER_SERVICE_FACTORY, by name: RocksDB is on the cluster, not in the jar. */
    private static final ConfigOption<String> ROCKSDB_TIMERS =
            ConfigOptions.key("state.backend.rocksdb.timer-service.factory")
                    .stringType()
                    .noDefaultValue();

    /** Checkpointing, state backend and serialisation settings of the job. */
    public static Configuration flinkConfiguration(JobSettings s) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, s.stateBackend());
        // With RocksDB, timers stay on the heap: a tag has one timer for its finest windows and
        // one a coarse window (some thousands in all), and a timer in RocksDB costs a write and a
        // delete each window. They are still in every checkpoint.
        conf.set(ROCKSDB_TIMERS, "HEAP");
        if (s.stateBackend().equals("rocksdb")) {
            // A checkpoint uploads the files written since the last one, not the whole database:
            // the windows write back only what changed (TagWindowsOperator).
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        if (!s.checkpointDir().isBlank()) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, s.checkpointDir());
        }
        // Fail fast on a type that would fall back to Kryo.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, s.watermarkInterval());
        return conf;
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(settings.name());
    }

    /** Adds the job's graph to the environment. */
    public void build(StreamExecutionEnvironment env) {
        env.enableCheckpointing(settings.checkpointIntervalMs());
        env.setMaxParallelism(settings.maxParallelism());
        if (settings.parallelism() > 0) {
            env.setParallelism(settings.parallelism());
        }

        // Watermarks per Kafka partition, on the source: one assigned after a map would run ahead
        // of partitions not yet read and drop their readings as late.
        WatermarkStrategy<ParsedRecord> watermarks =
                WatermarkStrategy.<ParsedRecord>forBoundedOutOfOrderness(settings.outOfOrderness())
                        .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime())
                        .withIdleness(settings.idleness());
        DataStream<ParsedRecord> records =
                env.fromSource(source, watermarks, "readings").uid("readings-source");

        // Chained to the source: one record per tag and window crosses the keyBy, not one a
        // reading; dead letters go aside.
        SingleOutputStreamOperator<ReadingBatch> batches =
                records.transform(
                                "batch",
                                ReadingBatchSerializer.TYPE_INFO,
                                new BatchByTag(
                                        settings.windowSizesMs()[0], settings.batchMaxReadings()))
                        .uid("batch");
        DataStream<DeadLetter> rejected = batches.getSideOutput(BatchByTag.DEAD_LETTERS);
        rejected.sinkTo(deadLetters).name("dead-letters").uid("dead-letters-sink");

        SingleOutputStreamOperator<WindowStats> windows =
                batches.keyBy(batch -> batch.tag, Types.STRING)
                        .transform(
                                "windows",
                                WindowStatsSerializer.TYPE_INFO,
                                new TagWindowsOperator(
                                        new TagWindows(
                                                settings.windowSizesMs(),
                                                settings.allowedLatenessMs()),
                                        settings.stateCacheMaxTags()))
                        .name("windows")
                        .uid("windows");
        DataStream<Reading> late = windows.getSideOutput(TagWindows.LATE);
        late.sinkTo(lateReadings).name("late-readings").uid("late-readings-sink");
        late.map(FaultCount::late)
                .name("late-faults")
                .uid("late-faults")
                .union(
                        rejected.map(FaultCount::deadLetter)
                                .name("dead-letter-faults")
                                .uid("dead-letter-faults"))
                .keyBy(FaultCount::key)
                .process(new FaultCounts(settings.faultsRetentionMs()))
                .name("fault-counts")
                .uid("fault-counts")
                .sinkTo(faults)
                .name("faults")
                .uid("faults-sink");
        windows.sinkTo(history).name("history").uid("history-sink");
        // Keyed by channel group, so that one writer sends each group's message for a window.
        windows.keyBy(new ChannelGroupKeySelector(settings.channelGroupDepth()))
                .sinkTo(live)
                .name("live")
                .uid("live-sink");
    }
}
