package io.sluice.bench;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;

/**
 * Measurement (d): a typical DataStream job, written the way most tutorials write it: the value as
 * a String, a Jackson parse into a POJO, keyBy(tag), a 1 s tumbling event-time window and an
 * AggregateFunction (count, sum, min, max), into a discarding sink.
 *
 * <p>Watermarks: a typical job assigns timestamps after its parse, but there the watermark is per
 * reader, and a reader holding several partitions drops readings as late (stack.md: a third of a
 * 100k test). So the WatermarkStrategy goes on {@code fromSource}, which keeps one watermark per
 * partition, with a cheap timestamp extractor that scans the String for {@code "ts":} instead of a
 * second parse. Bounded out-of-orderness of 2 s, as the job will use.
 *
 * <p>Counting: a chained map after the window adds each window's count to an accumulator, so every
 * timed run proves that all the topic's readings landed in a window and none was dropped as late
 * (the bounded source ends with a Long.MAX_VALUE watermark, so every window fires). Timed by the
 * job's net runtime, which leaves out the MiniCluster's start and stop.
 */
public final class TypicalDataStreamJob implements Measurement {
    static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    static final Duration WINDOW = Duration.ofSeconds(1);
    static final String READINGS = "readings";
    static final String WINDOWS = "windows";

    private final String stateBackend;

    /**
     * @param stateBackend hashmap or rocksdb
     */
    public TypicalDataStreamJob(String stateBackend) {
        this.stateBackend = stateBackend;
    }

    @Override
    public Timing run(PreloadedTopic topic, int parallelism, String runId, boolean verify)
            throws Exception {
        long wallStart = System.nanoTime();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        configuration(parallelism, stateBackend));

        KafkaSource<String> source =
                KafkaSource.<String>builder()
                        .setBootstrapServers(topic.bootstrapServers())
                        .setTopics(topic.topic())
                        .setGroupId("bench-d-" + runId)
                        .setClientIdPrefix("bench-d-" + runId)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build();

        WatermarkStrategy<String> watermarks =
                WatermarkStrategy.<String>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                        .withTimestampAssigner(new EventTimeOfJson());

        env.fromSource(source, watermarks, "kafka readings")
                .uid("source")
                // parse
                .map(new ParseJson())
                .name("jackson parse")
                .uid("parse")
                // window
                .keyBy(new ByTag())
                .window(TumblingEventTimeWindows.of(WINDOW))
                .aggregate(new StatsAggregate())
                .name("1 s window stats")
                .uid("window")
                // count, then discard
                .map(new CountReadings())
                .name("count readings")
                .uid("count")
                .sinkTo(new DiscardingSink<>())
                .name("discard")
                .uid("discard");

        JobExecutionResult result = env.execute("bench (d) typical DataStream job");
        double wall = (System.nanoTime() - wallStart) / 1e9;
        long readings = result.<Long>getAccumulatorResult(READINGS);
        long windows = result.<Long>getAccumulatorResult(WINDOWS);
        if (readings != topic.records()) {
            throw new IllegalStateException(
                    "(d) counted "
                            + readings
                            + " readings in windows, the topic holds "
                            + topic.records()
                            + ": some were dropped");
        }
        double net = result.getNetRuntime() / 1e3;
        return new Timing(
                readings,
                net,
                wall,
                String.format(
                        "net runtime %.2f s, wall %.2f s; all %,d readings counted in %,d windows",
                        net, wall, readings, windows));
    }

    static Configuration configuration(int parallelism, String stateBackend) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        // Pitfall 5: a Kryo fallback would be slow and silent; fail instead.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return conf;
    }

    /** A reading as the typical job parses it: a public-field POJO, quality as a plain string. */
    public static class TypicalReading {
        public String tag;
        public long ts;
        public double value;
        public String quality;

        public TypicalReading() {}
    }

    /** What a window emits: the tag and the count, sum, min and max of its values. */
    public static class WindowStats {
        public String tag;
        public long count;
        public double sum;
        public double min = Double.POSITIVE_INFINITY;
        public double max = Double.NEGATIVE_INFINITY;

        public WindowStats() {}
    }

    /** Parses the value with Jackson into a POJO, as a typical job does. */
    public static class ParseJson extends RichMapFunction<String, TypicalReading> {
        private transient ObjectMapper mapper;

        @Override
        public void open(OpenContext openContext) {
            mapper = new ObjectMapper();
        }

        @Override
        public TypicalReading map(String json) throws Exception {
            return mapper.readValue(json, TypicalReading.class);
        }
    }

    /** The event time, found by a scan for {@code "ts":} rather than a second JSON parse. */
    public static class EventTimeOfJson implements SerializableTimestampAssigner<String> {
        private static final String TS = "\"ts\":";

        @Override
        public long extractTimestamp(String json, long recordTimestamp) {
            int i = json.indexOf(TS);
            if (i < 0) {
                throw new IllegalArgumentException("no \"ts\" in " + json);
            }
            i += TS.length();
            long ts = 0;
            for (char c; i < json.length() && (c = json.charAt(i)) >= '0' && c <= '9'; i++) {
                ts = ts * 10 + (c - '0');
            }
            return ts;
        }
    }

    /** The key: the tag. */
    public static class ByTag implements KeySelector<TypicalReading, String> {
        @Override
        public String getKey(TypicalReading r) {
            return r.tag;
        }
    }

    /** Count, sum, min and max of a window's values, updated in place. */
    public static class StatsAggregate
            implements AggregateFunction<TypicalReading, WindowStats, WindowStats> {
        @Override
        public WindowStats createAccumulator() {
            return new WindowStats();
        }

        @Override
        public WindowStats add(TypicalReading r, WindowStats acc) {
            acc.tag = r.tag;
            acc.count++;
            acc.sum += r.value;
            acc.min = Math.min(acc.min, r.value);
            acc.max = Math.max(acc.max, r.value);
            return acc;
        }

        @Override
        public WindowStats getResult(WindowStats acc) {
            return acc;
        }

        @Override
        public WindowStats merge(WindowStats a, WindowStats b) {
            a.count += b.count;
            a.sum += b.sum;
            a.min = Math.min(a.min, b.min);
            a.max = Math.max(a.max, b.max);
            return a;
        }
    }

    /** Adds each window's count to the job's accumulators: the proof that no reading was lost. */
    public static class CountReadings extends RichMapFunction<WindowStats, WindowStats> {
        private final LongCounter readings = new LongCounter();
        private final LongCounter windows = new LongCounter();

        @Override
        public void open(OpenContext openContext) {
            getRuntimeContext().addAccumulator(READINGS, readings);
            getRuntimeContext().addAccumulator(WINDOWS, windows);
        }

        @Override
        public WindowStats map(WindowStats stats) {
            readings.add(stats.count);
            windows.add(1);
            return stats;
        }
    }
}
