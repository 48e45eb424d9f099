package io.sluice.bench;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.job.JobSettings;
import io.sluice.job.SluiceJob;
import io.sluice.job.faults.FaultCount;
import io.sluice.job.parse.DeadLetter;
import io.sluice.job.parse.ParsedRecord;
import io.sluice.job.parse.ReadingSource;
import io.sluice.job.window.WindowStats;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What measurements (b) and (c) share: the job's settings for a run over the pre-loaded topic, and
 * one run of the real {@link SluiceJob} graph on a local MiniCluster with given sinks.
 *
 * <p>Everything else is the job's default configuration (conf/sluice.properties): windows of 1 s
 * and 1 min, 2 s out of orderness, 5 s allowed lateness, the hashmap state backend, a checkpoint
 * every 10 s (into a temporary folder, deleted after the run), object reuse on.
 */
final class SluiceJobRuns {
    private SluiceJobRuns() {}

    /**
     * The job's configuration for one run: the defaults, with the topic, a fresh consumer group,
     * the earliest offsets, the parallelism and a checkpoint folder of the run's own.
     */
    static SluiceConfig config(
            PreloadedTopic topic,
            int parallelism,
            String letter,
            String runId,
            Path checkpoints,
            Map<String, String> more) {
        Map<String, String> flags = new HashMap<>();
        flags.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, topic.bootstrapServers());
        flags.put(ConfigKeys.KAFKA_TOPIC_READINGS, topic.topic());
        flags.put(ConfigKeys.KAFKA_TOPIC_DEAD_LETTERS, topic.topic() + ".dead");
        flags.put(ConfigKeys.KAFKA_TOPIC_LATE, topic.topic() + ".late");
        flags.put(
                ConfigKeys.JOB_NAME,
                "bench (" + letter + ") " + JobThroughputBench.WHAT.get(letter));
        flags.put(ConfigKeys.JOB_KAFKA_GROUP_ID, "bench-" + letter + "-" + runId);
        flags.put(ConfigKeys.JOB_KAFKA_STARTING_OFFSETS, "earliest");
        flags.put(ConfigKeys.JOB_PARALLELISM, Integer.toString(parallelism));
        flags.put(ConfigKeys.JOB_CHECKPOINT_DIR, checkpoints.toUri().toString());
        flags.put(ConfigKeys.JOB_SCHEMA_APPLY, "false");
        flags.putAll(more);
        // No environment: a SLUICE_* variable in the shell must not change what is measured.
        return SluiceConfig.load(Map.of(), flags);
    }

    /** The job's own Flink configuration, for a bounded run on a local MiniCluster. */
    static Configuration flinkConfiguration(JobSettings s) {
        Configuration conf = SluiceJob.flinkConfiguration(s);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, s.parallelism());
        // A failure fails the run, with its cause, rather than restarting and timing the restart.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        // With it on, a finished bounded job waits for the next periodic checkpoint (up to the 10 s
        // interval) before it ends, which would time the wait. The sinks flush at the end of input.
        conf.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, false);
        return conf;
    }

    /**
     * The job's source (the readings codec inside the KafkaSource), bounded at the latest offsets.
     */
    static KafkaSource<ParsedRecord> source(JobSettings s) {
        return ReadingSource.builder(s)
                .setBounded(OffsetsInitializer.latest())
                .setClientIdPrefix(s.groupId())
                .build();
    }

    /** Builds the job's graph with these sinks and runs it to the end of the topic. */
    static JobExecutionResult run(
            JobSettings s,
            Sink<DeadLetter> deadLetters,
            Sink<Reading> lateReadings,
            Sink<WindowStats> history,
            Sink<WindowStats> live,
            Sink<FaultCount> faults)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(s));
        return new SluiceJob(s, source(s), deadLetters, lateReadings, history, live, faults)
                .execute(env);
    }

    /**
     * CPU time of this JVM so far, in seconds: the MiniCluster runs in it, so the difference around
     * a run is the run's CPU cost (start-up included), which other work on a shared machine changes
     * far less than it changes the rate.
     */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    static Path checkpointFolder(String letter, String runId) {
        try {
            return Files.createTempDirectory("bench-" + letter + "-" + runId + "-checkpoints");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        // Flink may still be discarding checkpoints (incremental ones share files) as we walk:
        // what vanished meanwhile is gone either way.
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
            delete(folder);
        } catch (NoSuchFileException e) {
            delete(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Windows per size as a phrase, like "508,135 1 s + 10,000 1 min". */
    static String describeWindows(Map<Long, Long> rows) {
        StringBuilder b = new StringBuilder();
        rows.forEach(
                (size, n) ->
                        b.append(b.length() == 0 ? "" : " + ")
                                .append(String.format("%,d %s", n, label(size))));
        return b.toString();
    }

    static String label(long sizeMs) {
        return sizeMs % 60_000 == 0
                ? sizeMs / 60_000 + " min"
                : sizeMs % 1000 == 0 ? sizeMs / 1000 + " s" : sizeMs + " ms";
    }
}
