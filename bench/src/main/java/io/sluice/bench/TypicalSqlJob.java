package io.sluice.bench;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * Measurement (e): the same 1 s tumbling aggregation as (d), in Flink SQL: a {@code kafka} table
 * with the {@code json} format, the TUMBLE window table-valued function, a {@code blackhole} sink.
 *
 * <p>The watermark is declared on the table and the planner pushes it into the Kafka source, so it
 * is kept per partition, as in (d). The timed run is the plain INSERT into the blackhole and is
 * timed by the job's net runtime (the MiniCluster's start and the planning are left out); it must
 * finish, but a blackhole cannot count. So the warm-up run (verify = true) runs the same query into
 * a DataStream that sums the window counts, and fails unless that sum is the topic's record count.
 */
public final class TypicalSqlJob implements Measurement {
    static final String READINGS = "readings";

    private final String stateBackend;

    /**
     * @param stateBackend hashmap or rocksdb
     */
    public TypicalSqlJob(String stateBackend) {
        this.stateBackend = stateBackend;
    }

    static String createSource(PreloadedTopic topic, String runId) {
        return "CREATE TABLE readings (\n"
                + "  tag STRING,\n"
                + "  ts BIGINT,\n"
                + "  `value` DOUBLE,\n"
                + "  quality STRING,\n"
                + "  event_time AS TO_TIMESTAMP_LTZ(ts, 3),\n"
                + "  WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND\n"
                + ") WITH (\n"
                + "  'connector' = 'kafka',\n"
                + "  'topic' = '"
                + topic.topic()
                + "',\n"
                + "  'properties.bootstrap.servers' = '"
                + topic.bootstrapServers()
                + "',\n"
                + "  'properties.group.id' = 'bench-e-"
                + runId
                + "',\n"
                + "  'scan.startup.mode' = 'earliest-offset',\n"
                + "  'scan.bounded.mode' = 'latest-offset',\n"
                + "  'format' = 'json'\n"
                + ")";
    }

    static final String CREATE_SINK =
            "CREATE TABLE window_stats (\n"
                    + "  tag STRING,\n"
                    + "  window_start TIMESTAMP(3),\n"
                    + "  readings BIGINT,\n"
                    + "  total DOUBLE,\n"
                    + "  min_value DOUBLE,\n"
                    + "  max_value DOUBLE\n"
                    + ") WITH ('connector' = 'blackhole')";

    static final String WINDOW_QUERY =
            "SELECT tag, window_start, COUNT(*) AS readings, SUM(`value`) AS total,"
                    + " MIN(`value`) AS min_value, MAX(`value`) AS max_value\n"
                    + "FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(event_time), INTERVAL '1' SECOND))\n"
                    + "GROUP BY tag, window_start, window_end";

    @Override
    public Timing run(PreloadedTopic topic, int parallelism, String runId, boolean verify)
            throws Exception {
        long wallStart = System.nanoTime();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        TypicalDataStreamJob.configuration(parallelism, stateBackend));
        StreamTableEnvironment tables =
                StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
        tables.executeSql(createSource(topic, runId));

        if (verify) {
            // Untimed check: the same query, its counts summed in an accumulator.
            tables.toDataStream(tables.sqlQuery(WINDOW_QUERY))
                    .map(new SumCounts())
                    .name("sum counts")
                    .sinkTo(new DiscardingSink<>())
                    .name("discard");
            JobExecutionResult result = env.execute("bench (e) Flink SQL, counting");
            double wall = (System.nanoTime() - wallStart) / 1e9;
            long readings = result.<Long>getAccumulatorResult(READINGS);
            if (readings != topic.records()) {
                throw new IllegalStateException(
                        "(e) counted "
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
                            "net runtime %.2f s, wall %.2f s; counting variant: all %,d readings counted",
                            net, wall, readings));
        }

        tables.getConfig().set(PipelineOptions.NAME, "bench (e) Flink SQL");
        tables.executeSql(CREATE_SINK);
        TableResult insert = tables.executeSql("INSERT INTO window_stats\n" + WINDOW_QUERY);
        JobClient job =
                insert.getJobClient()
                        .orElseThrow(() -> new IllegalStateException("(e) INSERT started no job"));
        // Completes only if the job finished; a failed job throws here.
        JobExecutionResult result = job.getJobExecutionResult().get();
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double net = result.getNetRuntime() / 1e3;
        return new Timing(
                topic.records(),
                net,
                wall,
                String.format(
                        "net runtime %.2f s, wall %.2f s; finished (blackhole: counted in the warm-up)",
                        net, wall));
    }

    /** Adds each window row's count to an accumulator. */
    public static class SumCounts extends RichMapFunction<Row, Long> {
        private final LongCounter readings = new LongCounter();

        @Override
        public void open(OpenContext openContext) {
            getRuntimeContext().addAccumulator(READINGS, readings);
        }

        @Override
        public Long map(Row row) {
            long count = row.<Long>getFieldAs("readings");
            readings.add(count);
            return count;
        }
    }
}
