package io.sluice.job.savepoint;

import io.sluice.config.SluiceConfig;
import io.sluice.job.JobSettings;
import io.sluice.job.SluiceJob;
import io.sluice.job.parse.ReadingSource;
import io.sluice.job.window.WindowStats;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Sluice job as the savepoint fixtures run it: the real graph ({@link SluiceJob#build}), the
 * production KafkaSource (unbounded), and a {@link CollectingSink} for each of its five sinks.
 *
 * <p>The source is unbounded on both sides. A finished bounded source cannot be savepointed; and a
 * bounded source restored from a savepoint never finishes (tried: it read on for minutes), since
 * its restored Kafka splits keep the stopping offset (none) of the job that took it. So the
 * restoring run waits until everything is read and then stops with {@code --drain}, whose final
 * watermark closes every window, as the end of a bounded input would.
 */
final class CompatJob {
    /** Checkpoints often: committed offsets tell when everything has been read. */
    private static final String CHECKPOINT_INTERVAL_MS = "500";

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(3);

    private final JobSettings settings;
    private final String bootstrapServers;
    private final String run;

    /**
     * @param job the job.* settings, over the defaults
     * @param backend the state backend, over {@code job}'s
     * @param run a name unique in this JVM: of this run's sinks and consumer group
     */
    CompatJob(
            Map<String, String> job,
            String topic,
            String bootstrapServers,
            String backend,
            String run) {
        Map<String, String> flags = new HashMap<>(job);
        flags.put("kafka.bootstrap.servers", bootstrapServers);
        flags.put("kafka.topic.readings", topic);
        flags.put("job.kafka.group.id", "compat-" + run);
        flags.put("job.kafka.starting.offsets", "earliest");
        flags.put("job.checkpoint.interval.ms", CHECKPOINT_INTERVAL_MS);
        flags.put("job.state.backend", backend);
        this.settings = JobSettings.fromConfig(SluiceConfig.load(Map.of(), flags));
        this.bootstrapServers = bootstrapServers;
        this.run = run;
    }

    /** A run of a fixture's job, with its settings, against this Kafka, with this backend. */
    static CompatJob of(
            CompatFixture fixture, String bootstrapServers, String backend, String run) {
        return new CompatJob(
                fixture.jobSettings(), fixture.topic(), bootstrapServers, backend, run);
    }

    /** Submits the job, restored from a savepoint folder when one is given. */
    JobClient start(String restoreFrom) throws Exception {
        Configuration conf = SluiceJob.flinkConfiguration(settings);
        // A failure ends the run with its cause: a restart from a checkpoint would emit windows
        // again.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new SluiceJob(
                        settings,
                        ReadingSource.create(settings),
                        new CollectingSink<>(sink("dead-letters"), Object::toString),
                        new CollectingSink<>(sink("late-readings"), r -> new Reading().set(r)),
                        new CollectingSink<>(sink("history"), CompatJob::copy),
                        new CollectingSink<>(sink("live"), CompatJob::copy),
                        new CollectingSink<>(sink("faults"), Object::toString))
                .build(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(settings.name() + " (" + run + ")");
        if (restoreFrom != null) {
            // Every state in the savepoint must find its operator; NO_CLAIM leaves its files alone.
            graph.setSavepointRestoreSettings(
                    SavepointRestoreSettings.forPath(
                            restoreFrom, false, RecoveryClaimMode.NO_CLAIM));
        }
        return env.executeAsync(graph);
    }

    long[] windowSizesMs() {
        return settings.windowSizesMs();
    }

    /** The windows the history sink got, in order. */
    List<WindowStats> history() {
        return CollectingSink.kept(sink("history"));
    }

    List<WindowStats> live() {
        return CollectingSink.kept(sink("live"));
    }

    /**
     * What went to the sinks that this data must leave empty: late readings, dead letters, faults.
     */
    List<Object> faults() {
        List<Object> faults = new ArrayList<>();
        faults.addAll(CollectingSink.kept(sink("late-readings")));
        faults.addAll(CollectingSink.kept(sink("dead-letters")));
        faults.addAll(CollectingSink.kept(sink("faults")));
        return faults;
    }

    private String sink(String name) {
        return run + "/" + name;
    }

    /**
     * Waits until the job has committed these end offsets, that is, completed a checkpoint after
     * reading every record before them: the windows operator has them all. Fails at once if the job
     * ends.
     */
    void awaitRead(Map<Integer, Long> endOffsets, JobClient job) throws Exception {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(settings.groupId())
                                .partitionsToOffsetAndMetadata()
                                .get(30, TimeUnit.SECONDS);
                if (reached(committed, endOffsets)) {
                    return;
                }
                JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
                    throw new IllegalStateException(
                            "the job ended (" + status + ") before reading up to " + endOffsets);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the job did not commit "
                                    + endOffsets
                                    + " within "
                                    + READ_TIMEOUT
                                    + "; committed: "
                                    + committed);
                }
                Thread.sleep(200);
            }
        }
    }

    private boolean reached(
            Map<TopicPartition, OffsetAndMetadata> committed, Map<Integer, Long> endOffsets) {
        for (Map.Entry<Integer, Long> end : endOffsets.entrySet()) {
            OffsetAndMetadata at =
                    committed.get(new TopicPartition(settings.readingsTopic(), end.getKey()));
            if (at == null || at.offset() < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** A copy of a window: the job may change the one it sent (object reuse). */
    static WindowStats copy(WindowStats w) {
        WindowStats c = new WindowStats();
        c.tag = w.tag;
        c.windowMs = w.windowMs;
        c.windowStart = w.windowStart;
        c.count = w.count;
        c.goodCount = w.goodCount;
        c.uncertainCount = w.uncertainCount;
        c.badCount = w.badCount;
        c.sum = w.sum;
        c.min = w.min;
        c.max = w.max;
        c.firstTs = w.firstTs;
        c.firstValue = w.firstValue;
        c.lastTs = w.lastTs;
        c.lastValue = w.lastValue;
        c.mean = w.mean;
        c.m2 = w.m2;
        c.twaArea = w.twaArea;
        c.twaSpanMs = w.twaSpanMs;
        c.worstQuality = w.worstQuality;
        c.revision = w.revision;
        return c;
    }
}
