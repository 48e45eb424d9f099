package io.sluice.job.window;

import io.sluice.job.batch.ReadingBatch;
import io.sluice.job.window.state.MapStateRekey;
import io.sluice.job.window.state.WriteBackCache;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Tumbling event-time windows of one tag, in several sizes, with allowed lateness and revisions.
 *
 * <p>The finest size is computed from the tag's {@link ReadingLog} when the watermark passes its
 * end; each coarser size (a multiple of the finest) is merged from the finest windows' partials
 * when the watermark passes its own end. A reading that arrives after its window was emitted, but
 * within the allowed lateness, revises that window, the next window whose held value it changes,
 * and the coarse windows around them: each changed window is emitted again with its revision number
 * raised. A reading later than that goes to the {@link #LATE} side output. An exact duplicate of a
 * reading still in the log is dropped.
 *
 * <p>Windows are aligned to the epoch, as Flink's own tumbling windows are, and a window [s, e)
 * closes when the watermark reaches e - 1.
 *
 * <p><b>Timers.</b> A tag has one event-time timer for its finest windows, at the end of its
 * earliest open window (one with readings, not yet emitted): a reading that opens an earlier window
 * sets one there, and each firing emits every window the watermark closed and sets the next. So a
 * watermark that closes several of a tag's windows at once (a backlog, a replay) costs one timer,
 * not one a window; live, where windows close one by one, it is one a window. Each coarse window
 * has a timer of its own.
 *
 * <p><b>Revisions across restores.</b> A job restored from a checkpoint replays what it read after
 * it, and the watermark, which no checkpoint keeps, rises anew: a reading that was late before may
 * be on time in the replay, so a window's complete figures can come as revision 0 after the earlier
 * run stored revision 1 with one reading fewer, and the sinks keep the higher revision. So every
 * restore starts a new restore epoch (kept in operator state: one more than the restored one, plus
 * the task's attempt, for a second failure before the next checkpoint), and each emission's
 * revision is at least epoch × {@value #REVISIONS_PER_EPOCH}: what a restored job emits supersedes
 * whatever an earlier run of it stored. A job that never restored emits revisions 0, 1, 2, ...
 */
public final class TagWindows extends KeyedProcessFunction<String, ReadingBatch, WindowStats>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Revisions one window may take within one restore epoch. */
    static final int REVISIONS_PER_EPOCH = 1 << 16;

    public static final OutputTag<Reading> LATE = new OutputTag<>("late-readings") {};

    private final long fineMs;
    private final long[] coarseMs;
    private final long latenessMs;

    private transient ValueState<ReadingLog> logState;
    private transient MapState<Long, WindowStats> fineState;
    private transient List<MapState<Long, CoarseWindow>> coarseState;
    private transient Counter lateReadings;
    private transient Counter duplicateReadings;
    private transient Counter revisions;
    private transient ListState<Integer> epochState;
    private transient int epoch;
    private transient WriteBackCache writeBack;

    /**
     * @param sizesMs window sizes, ascending; each a multiple of the first
     */
    public TagWindows(long[] sizesMs, long latenessMs) {
        if (sizesMs.length == 0) {
            throw new IllegalArgumentException("at least one window size is needed");
        }
        for (int i = 1; i < sizesMs.length; i++) {
            if (sizesMs[i] <= sizesMs[i - 1] || sizesMs[i] % sizesMs[0] != 0) {
                throw new IllegalArgumentException(
                        "window sizes must rise, each a multiple of the smallest ("
                                + sizesMs[0]
                                + " ms): "
                                + sizesMs[i]);
            }
        }
        if (latenessMs < 0) {
            throw new IllegalArgumentException(
                    "allowed lateness must not be negative: " + latenessMs);
        }
        this.fineMs = sizesMs[0];
        this.coarseMs = java.util.Arrays.copyOfRange(sizesMs, 1, sizesMs.length);
        this.latenessMs = latenessMs;
    }

    /** Takes the states opened next through {@code cache} ({@link TagWindowsOperator}). */
    void writeBackThrough(WriteBackCache cache) {
        this.writeBack = cache;
    }

    @Override
    public void open(OpenContext context) {
        logState =
                cached(
                        getRuntimeContext()
                                .getState(
                                        new ValueStateDescriptor<>(
                                                "log", new ReadingLogSerializer())));
        fineState = cached(getRuntimeContext().getMapState(fineByIndex(fineMs)));
        coarseState = new ArrayList<>();
        for (long size : coarseMs) {
            coarseState.add(
                    cached(
                            getRuntimeContext()
                                    .getMapState(
                                            new MapStateDescriptor<>(
                                                    "coarse-" + size,
                                                    LongSerializer.INSTANCE,
                                                    new CoarseWindowSerializer()))));
        }
        lateReadings = getRuntimeContext().getMetricGroup().counter("lateReadings");
        duplicateReadings = getRuntimeContext().getMetricGroup().counter("duplicateReadings");
        revisions = getRuntimeContext().getMetricGroup().counter("windowRevisions");
    }

    /**
     * The finest windows, by window index (start / size). Consecutive indexes spread over a hash
     * table; window starts, all multiples of the size, crowded a few of its buckets, which Java's
     * HashMap then turned into trees.
     */
    static MapStateDescriptor<Long, WindowStats> fineByIndex(long fineMs) {
        return new MapStateDescriptor<>(
                "fine-" + fineMs + "-by-index",
                LongSerializer.INSTANCE,
                new WindowStatsSerializer());
    }

    /** The finest windows as earlier versions of the job kept them: by window start. */
    static MapStateDescriptor<Long, WindowStats> fineByStart(long fineMs) {
        return new MapStateDescriptor<>(
                "fine-" + fineMs, LongSerializer.INSTANCE, new WindowStatsSerializer());
    }

    /**
     * A restore step ({@link TagWindowsOperator}): finest windows restored by start move to their
     * index. Returns how many tags had some.
     */
    int moveFineWindowsToIndexes(KeyedStateBackend<String> backend) throws Exception {
        return MapStateRekey.move(
                backend, fineByStart(fineMs), fineByIndex(fineMs), start -> fineIndex(start));
    }

    private long fineIndex(long start) {
        return Math.floorDiv(start, fineMs);
    }

    private <V> ValueState<V> cached(ValueState<V> state) {
        return writeBack == null ? state : writeBack.value(state);
    }

    private <K, V> MapState<K, V> cached(MapState<K, V> state) {
        return writeBack == null ? state : writeBack.map(state);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        epochState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("restore-epoch", Types.INT));
        int restored = 0;
        for (Integer e : epochState.get()) {
            restored = Math.max(restored, e);
        }
        int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
        epoch = context.isRestored() ? restored + 1 + attempt : attempt;
        if (epoch >= Integer.MAX_VALUE / REVISIONS_PER_EPOCH) {
            throw new IllegalStateException(
                    "restore epoch " + epoch + " leaves no room for revisions");
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        epochState.update(List.of(epoch));
    }

    /** The revision of a window's next emission: one more than the last, and in this epoch. */
    private int nextRevision(WindowStats previous) {
        int floor = epoch * REVISIONS_PER_EPOCH;
        return previous == null ? floor : Math.max(previous.revision + 1, floor);
    }

    @Override
    public void processElement(ReadingBatch batch, Context ctx, Collector<WindowStats> out)
            throws Exception {
        long wm = ctx.timerService().currentWatermark();
        ReadingLog log = null;
        boolean inserted = false;
        for (int k = 0; k < batch.size; k++) {
            long t = batch.ts[k];
            long start = floorStart(t, fineMs);
            if (start + fineMs - 1 + latenessMs <= wm) {
                lateReadings.inc();
                ctx.output(LATE, batch.reading(k));
                continue;
            }
            if (log == null) {
                log = logState.value(); // once a batch, not once a reading
                if (log == null) {
                    log = new ReadingLog();
                }
            }
            int at = log.insert(t, batch.values[k], batch.qualities[k]);
            if (at < 0) {
                duplicateReadings.inc();
                continue;
            }
            inserted = true;
            if (start < log.emittedUpTo) {
                revise(ctx.getCurrentKey(), log, start, ctx, out);
            } else if ((at == 0 || log.ts[at - 1] < log.emittedUpTo)
                    && (at + 1 == log.size || log.ts[at + 1] >= start + fineMs)) {
                // A new earliest open window: its end needs a timer. A tag keeps one timer, at the
                // end of its earliest open window; onTimer sets the next (see the class comment).
                ctx.timerService().registerEventTimeTimer(start + fineMs - 1);
            }
        }
        if (inserted) {
            logState.update(log);
        }
    }

    /**
     * A late reading went into an emitted finest window: re-emits it and the next window (whose
     * held value at its start may have changed), and the coarse windows around them, if changed.
     */
    private void revise(
            String tag, ReadingLog log, long start, Context ctx, Collector<WindowStats> out)
            throws Exception {
        boolean changed = reviseFine(tag, log, start, ctx, out);
        int next = log.firstAtOrAfter(start + fineMs);
        long nextStart = next < log.size ? floorStart(log.ts[next], fineMs) : Long.MAX_VALUE;
        if (nextStart < log.emittedUpTo && reviseFine(tag, log, nextStart, ctx, out)) {
            changed = true;
        }
        if (changed) {
            reviseCoarse(tag, start, nextStart, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowStats> out)
            throws Exception {
        long wm = ctx.timerService().currentWatermark();
        String tag = ctx.getCurrentKey();
        ReadingLog log = logState.value();
        boolean logChanged = log != null && emitClosedFineWindows(tag, log, wm, ctx, out);
        if (logChanged) {
            int next = log.firstAtOrAfter(log.emittedUpTo);
            if (next < log.size) { // the next earliest open window
                ctx.timerService()
                        .registerEventTimeTimer(floorStart(log.ts[next], fineMs) + fineMs - 1);
            }
        }
        boolean coarseClosed = false;
        for (int c = 0; c < coarseMs.length; c++) {
            long size = coarseMs[c];
            if (Math.floorMod(timestamp + 1, size) == 0) {
                coarseClosed = true;
                long start = timestamp + 1 - size;
                CoarseWindow window = coarseState.get(c).get(start);
                if (window != null && window.emitted == null) {
                    window.emitted = mergeCoarse(tag, c, start, window);
                    window.emitted.revision = nextRevision(null);
                    coarseState.get(c).put(start, window);
                    out.collect(window.emitted);
                }
            }
        }
        if (cleanUp(log, wm, coarseClosed || coarseMs.length == 0)) {
            logChanged = true;
        }
        if (logChanged) {
            logState.update(log); // once a timer
        }
    }

    /** Emits the finest windows the watermark closed; returns whether the log changed. */
    private boolean emitClosedFineWindows(
            String tag, ReadingLog log, long wm, Context ctx, Collector<WindowStats> out)
            throws Exception {
        long closedUpTo = wm == Long.MAX_VALUE ? Long.MAX_VALUE : floorStart(wm + 1, fineMs);
        if (closedUpTo <= log.emittedUpTo) {
            return false;
        }
        int i = log.firstAtOrAfter(log.emittedUpTo);
        while (i < log.size && log.ts[i] < closedUpTo) {
            long start = floorStart(log.ts[i], fineMs);
            int j = log.firstAtOrAfter(start + fineMs);
            WindowStats w = fineWindow(tag, log, start, i, j);
            w.revision = nextRevision(null); // never emitted: past emittedUpTo
            fineState.put(fineIndex(start), stored(w));
            out.collect(w);
            noteFineWindow(
                    start, i > 0 || log.hasCarry, i > 0 ? log.values[i - 1] : log.carryValue, ctx);
            i = j;
        }
        log.emittedUpTo = closedUpTo;
        return true;
    }

    /**
     * A finest window as its state keeps it: without its tag, which is the key, so that neither a
     * checkpoint nor RocksDB writes the tag again for each of a tag's windows.
     */
    private static WindowStats stored(WindowStats w) {
        WindowStats copy = new WindowStats().set(w);
        copy.tag = null;
        return copy;
    }

    /**
     * Recomputes a closed finest window after a late reading; emits it and returns true if it
     * changed.
     */
    private boolean reviseFine(
            String tag, ReadingLog log, long start, Context ctx, Collector<WindowStats> out)
            throws Exception {
        int i = log.firstAtOrAfter(start);
        int j = log.firstAtOrAfter(start + fineMs);
        WindowStats w = fineWindow(tag, log, start, i, j);
        WindowStats old = fineState.get(fineIndex(start));
        if (old != null) {
            old.tag = tag; // stored without it
        }
        if (old != null && WindowMath.sameFigures(old, w)) {
            return false;
        }
        if (old != null) {
            revisions.inc();
        }
        w.revision = nextRevision(old);
        fineState.put(fineIndex(start), stored(w));
        out.collect(w);
        noteFineWindow(
                start, i > 0 || log.hasCarry, i > 0 ? log.values[i - 1] : log.carryValue, ctx);
        return true;
    }

    /**
     * Makes sure each coarse window around an emitted finest window exists, with a timer for its
     * end, and knows the value held at its start (the one held at its first finest window).
     */
    private void noteFineWindow(long fineStart, boolean hasPrevious, double previous, Context ctx)
            throws Exception {
        for (int c = 0; c < coarseMs.length; c++) {
            long size = coarseMs[c];
            long start = floorStart(fineStart, size);
            MapState<Long, CoarseWindow> state = coarseState.get(c);
            CoarseWindow window = state.get(start);
            boolean changed = false;
            if (window == null) {
                window = new CoarseWindow();
                ctx.timerService().registerEventTimeTimer(start + size - 1);
                changed = true;
            }
            // A new coarse window has no finest window before this one; one restored from before
            // firstFineStart existed looks in state.
            boolean first =
                    changed
                            || (window.firstFineKnown
                                    ? fineStart <= window.firstFineStart
                                    : isFirstFineWindow(start, fineStart));
            if (first) {
                window.hasHeld = hasPrevious;
                window.held = previous;
                window.firstFineKnown = true;
                window.firstFineStart = fineStart;
                changed = true;
            }
            if (changed) {
                state.put(start, window);
            }
        }
    }

    /**
     * Re-merges the closed coarse windows around two revised finest windows, and emits those that
     * changed.
     */
    private void reviseCoarse(
            String tag, long fineStart, long nextFineStart, Collector<WindowStats> out)
            throws Exception {
        for (int c = 0; c < coarseMs.length; c++) {
            long first = floorStart(fineStart, coarseMs[c]);
            reviseCoarse(tag, c, first, out);
            if (nextFineStart != Long.MAX_VALUE
                    && floorStart(nextFineStart, coarseMs[c]) != first) {
                reviseCoarse(tag, c, floorStart(nextFineStart, coarseMs[c]), out);
            }
        }
    }

    private void reviseCoarse(String tag, int c, long start, Collector<WindowStats> out)
            throws Exception {
        CoarseWindow window = coarseState.get(c).get(start);
        if (window == null || window.emitted == null) {
            return; // not closed yet: it will be merged when it closes
        }
        WindowStats merged = mergeCoarse(tag, c, start, window);
        if (!WindowMath.sameFigures(window.emitted, merged)) {
            merged.revision = nextRevision(window.emitted);
            revisions.inc();
            window.emitted = merged;
            coarseState.get(c).put(start, window);
            out.collect(merged);
        }
    }

    private boolean isFirstFineWindow(long coarseStart, long fineStart) throws Exception {
        for (long s = coarseStart; s < fineStart; s += fineMs) {
            if (fineState.contains(fineIndex(s))) {
                return false;
            }
        }
        return true;
    }

    private WindowStats mergeCoarse(String tag, int c, long start, CoarseWindow window)
            throws Exception {
        long size = coarseMs[c];
        // One pass over the tag's finest windows (a minute and the lateness: some 65), not a
        // lookup for each finest window the coarse one could hold: with RocksDB, a point lookup
        // of a window that never existed searches every level.
        List<WindowStats> fine = new ArrayList<>((int) (size / fineMs));
        for (Map.Entry<Long, WindowStats> e : fineState.entries()) {
            long s = e.getKey() * fineMs;
            if (s >= start && s < start + size) {
                fine.add(e.getValue());
            }
        }
        fine.sort(Comparator.comparingLong(f -> f.windowStart));
        return WindowMath.merge(tag, size, start, fine, window.hasHeld, window.held);
    }

    private WindowStats fineWindow(String tag, ReadingLog log, long start, int from, int to) {
        boolean hasPrevious = from > 0 || log.hasCarry;
        double previous = from > 0 ? log.values[from - 1] : log.carryValue;
        return WindowMath.ofReadings(tag, fineMs, start, log, from, to, hasPrevious, previous);
    }

    /**
     * Forgets what can no longer change: readings, finest and coarse windows past their lateness.
     * Returns whether the log was trimmed (the caller writes it back).
     */
    private boolean cleanUp(ReadingLog log, long wm, boolean windowsToo) throws Exception {
        if (wm == Long.MAX_VALUE || wm < Long.MIN_VALUE + latenessMs) {
            return false; // end of input, or no watermark yet
        }
        long horizon = wm - latenessMs + 1; // a window ending at or before this is final
        long keepFineFrom = floorStart(horizon, fineMs);
        boolean trimmed = log != null && log.size > 0 && log.ts[0] < keepFineFrom;
        if (trimmed) {
            log.trimBefore(keepFineFrom);
        }
        if (!windowsToo) {
            return trimmed;
        }
        long keepWindowsFrom = keepFineFrom;
        for (int c = 0; c < coarseMs.length; c++) {
            long keepCoarseFrom = floorStart(horizon, coarseMs[c]);
            keepWindowsFrom = Math.min(keepWindowsFrom, keepCoarseFrom);
            Iterator<Map.Entry<Long, CoarseWindow>> it = coarseState.get(c).iterator();
            while (it.hasNext()) {
                Map.Entry<Long, CoarseWindow> window = it.next();
                if (window.getValue().emitted == null) {
                    // Not emitted yet (its timer comes later in this same watermark, when the
                    // watermark
                    // jumped over several coarse windows at once): it and its finest partials stay.
                    keepWindowsFrom = Math.min(keepWindowsFrom, window.getKey());
                } else if (window.getKey() < keepCoarseFrom) {
                    it.remove();
                }
            }
        }
        long keepIndexFrom = fineIndex(keepWindowsFrom);
        Iterator<Long> it = fineState.keys().iterator();
        while (it.hasNext()) {
            if (it.next() < keepIndexFrom) {
                it.remove();
            }
        }
        return trimmed;
    }

    static long floorStart(long t, long size) {
        return t - Math.floorMod(t, size);
    }
}
