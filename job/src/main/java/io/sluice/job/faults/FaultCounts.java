package io.sluice.job.faults;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Adds up the faults of one source and minute (keyed by {@link FaultCount#key}) and emits the
 * totals after each. Totals, not increments: the state is checkpointed, so a replay after a restore
 * emits the same totals again, and the table keeps the greater of what it holds and what comes.
 *
 * <p>A minute's totals are kept for {@code retention} after its last fault (state TTL), then
 * forgotten: a fault for that minute after that starts again from one, which the table's greater-of
 * rule ignores until it passes the stored count.
 */
public final class FaultCounts extends KeyedProcessFunction<String, FaultCount, FaultCount> {
    private static final long serialVersionUID = 1L;

    private final long retentionMs;
    private transient ValueState<FaultCount> totals;

    public FaultCounts(long retentionMs) {
        if (retentionMs < 1) {
            throw new IllegalArgumentException("retention must be positive: " + retentionMs);
        }
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext context) {
        ValueStateDescriptor<FaultCount> descriptor =
                new ValueStateDescriptor<>("totals", TypeInformation.of(FaultCount.class));
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(Duration.ofMillis(retentionMs)).build());
        totals = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(FaultCount fault, Context ctx, Collector<FaultCount> out)
            throws Exception {
        FaultCount t = totals.value();
        if (t == null) {
            t = new FaultCount();
            t.source = fault.source;
            t.minute = fault.minute;
        }
        t.lateCount += fault.lateCount;
        t.deadLetterCount += fault.deadLetterCount;
        totals.update(t);
        // A copy: the JDBC writer keeps what it is given until its batch goes, and the heap state
        // backend hands out this same object again.
        FaultCount emitted = new FaultCount();
        emitted.source = t.source;
        emitted.minute = t.minute;
        emitted.lateCount = t.lateCount;
        emitted.deadLetterCount = t.deadLetterCount;
        out.collect(emitted);
    }
}
