package io.sluice.job.parse;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends readings on (with their tag ids), and dead letters to their side output, counting them in
 * the metric {@value #METRIC}.
 */
public final class SplitDeadLetters extends ProcessFunction<ParsedRecord, ParsedRecord> {
    private static final long serialVersionUID = 1L;

    public static final String METRIC = "deadLetters";
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext context) {
        deadLetters = getRuntimeContext().getMetricGroup().counter(METRIC);
    }

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<ParsedRecord> out) {
        if (record.reading != null) {
            out.collect(record);
        } else {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
