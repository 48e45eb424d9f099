package io.sluice.bench;

import io.sluice.job.JobSettings;
import io.sluice.job.faults.FaultCount;
import io.sluice.job.parse.DeadLetter;
import io.sluice.job.window.WindowStats;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.nio.file.Path;
import java.util.Map;

/**
 * Measurement (b): the job's core, its real graph (KafkaSource with the readings codec inside,
 * per-partition watermarks, the dead-letter split, keyBy(tag), {@code TagWindows} with windows of 1
 * s and 1 min) with every sink a {@link DiscardingSink}.
 *
 * <p>The graph is the job's own ({@code SluiceJob.build}), so the windows still go through the
 * keyBy(channel group) before the live sink, as they would to Redis. Each sink is wrapped in a
 * {@link CountingSink}, and every run fails unless the 1 s windows and the 1 min windows each hold
 * all the topic's readings, in as many windows as the data has (tag, window) pairs, none revised,
 * and no dead letter or late reading came out. Timed by the job's net runtime, like (d).
 */
final class SluiceJobCore implements Measurement {
    static final String LETTER = "b";

    private final Map<String, String> job;

    /**
     * @param job settings over the job's defaults (empty: the defaults)
     */
    SluiceJobCore(Map<String, String> job) {
        this.job = Map.copyOf(job);
    }

    @Override
    public Timing run(PreloadedTopic topic, int parallelism, String runId, boolean verify)
            throws Exception {
        Path checkpoints = SluiceJobRuns.checkpointFolder(LETTER, runId);
        try {
            JobSettings s =
                    JobSettings.fromConfig(
                            SluiceJobRuns.config(
                                    topic, parallelism, LETTER, runId, checkpoints, job));
            ExpectedWindows expected =
                    ExpectedWindows.of(
                            topic, s.windowSizesMs()); // the first time, a read of the topic
            long wallStart = System.nanoTime();
            double cpuStart = SluiceJobRuns.cpuSeconds();
            JobExecutionResult result =
                    SluiceJobRuns.run(
                            s,
                            CountingSink.<DeadLetter>records(runId, "dead", new DiscardingSink<>()),
                            CountingSink.<Reading>records(runId, "late", new DiscardingSink<>()),
                            CountingSink.windows(
                                    runId, "history", new DiscardingSink<WindowStats>()),
                            CountingSink.windows(runId, "live", new DiscardingSink<WindowStats>()),
                            new DiscardingSink<FaultCount>());
            double wall = (System.nanoTime() - wallStart) / 1e9;
            double cpu = SluiceJobRuns.cpuSeconds() - cpuStart;
            double net = result.getNetRuntime() / 1e3;
            check(topic, expected, runId);
            return new Timing(
                    topic.records(),
                    net,
                    wall,
                    String.format(
                            "net runtime %.2f s, wall %.2f s, CPU %.1f s (%.1f µs a reading); all %,d readings in %s windows",
                            net,
                            wall,
                            cpu,
                            cpu * 1e6 / topic.records(),
                            expected.readings(),
                            SluiceJobRuns.describeWindows(expected.rows())));
        } finally {
            SluiceJobRuns.delete(checkpoints);
        }
    }

    /** Fails unless history and live each saw every window, and nothing was dead or late. */
    static void check(PreloadedTopic topic, ExpectedWindows expected, String runId) {
        if (expected.readings() != topic.records()) {
            throw new IllegalStateException(
                    "(b) the topic holds " + expected.rejected() + " records the codec rejects");
        }
        long dead = count(CountingSink.tally(runId, "dead"));
        long late = count(CountingSink.tally(runId, "late"));
        for (String sink : new String[] {"history", "live"}) {
            Map<Long, long[]> seen = CountingSink.tally(runId, sink);
            for (Map.Entry<Long, Long> e : expected.rows().entrySet()) {
                long[] c = seen.getOrDefault(e.getKey(), new long[2]);
                if (c[0] != e.getValue() || c[1] != topic.records()) {
                    throw new IllegalStateException(
                            String.format(
                                    "(b) %s sink: %,d windows of %s holding %,d readings; expected %,d windows holding %,d"
                                            + " (dead letters %,d, late readings %,d)",
                                    sink,
                                    c[0],
                                    SluiceJobRuns.label(e.getKey()),
                                    c[1],
                                    e.getValue(),
                                    topic.records(),
                                    dead,
                                    late));
                }
            }
            if (seen.containsKey(CountingSink.REVISIONS)) {
                throw new IllegalStateException(
                        String.format(
                                "(b) %s sink: %,d revised windows from an ordered topic",
                                sink, seen.get(CountingSink.REVISIONS)[0]));
            }
        }
        if (dead != 0 || late != 0) {
            throw new IllegalStateException(
                    String.format("(b) %,d dead letters and %,d late readings", dead, late));
        }
    }

    private static long count(Map<Long, long[]> tally) {
        return tally.values().stream().mapToLong(c -> c[0]).sum();
    }
}
