package io.sluice.simulator;

import io.sluice.reading.Quality;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;
import io.sluice.simulator.faults.FaultSettings;
import io.sluice.simulator.faults.MalformedRecords;
import io.sluice.simulator.plant.Plant;
import io.sluice.simulator.plant.PlantTag;

import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The endless, deterministic stream of records of a plant: every tag reads once per interval, at
 * its phase within the interval, and faults are injected as configured.
 *
 * <p>Readings come in event-time order. A reading picked to be out of order or late is held back
 * until the stream has moved on past its event time plus its delay, then sent; a delay up to the
 * bound makes it out of order, above the bound late. A duplicate and a malformed record follow
 * right after the reading they come from. The same plant, start, seed and faults always give the
 * same records: signals draw from each tag's own random stream, faults from another.
 */
public final class ReadingGenerator {
    private final List<PlantTag> tags;
    private final long startTs;
    private final long intervalMs;
    private final FaultSettings faults;
    private final SplittableRandom faultRandom;
    private final ReadingCodec codec;
    private final MalformedRecords malformed;
    private final byte[] scratch;
    private final PriorityQueue<HeldBack> heldBack = new PriorityQueue<>();

    private long slot;
    private int tagIndex;
    private long heldBackSeq;
    private long newestSent = Long.MIN_VALUE;
    private final long[] counts = new long[RecordKind.values().length];

    // The reading just sent, and what must follow it.
    private final Reading last = new Reading();
    private byte[] lastKey;
    private byte[] duplicateOf;
    private boolean malformedFollows;

    public ReadingGenerator(
            Plant plant,
            long startTs,
            long intervalMs,
            FaultSettings faults,
            long seed,
            ReadingCodec codec) {
        if (intervalMs < 1) {
            throw new IllegalArgumentException("the interval must be at least 1 ms: " + intervalMs);
        }
        this.tags = plant.tags();
        this.startTs = startTs;
        this.intervalMs = intervalMs;
        this.faults = faults;
        // A stream of its own, so that changing a fault fraction leaves the signals as they were.
        this.faultRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.codec = codec;
        this.malformed = new MalformedRecords(codec.limits().maxBytes());
        int longestTag = tags.stream().mapToInt(t -> t.name().length()).max().orElse(0);
        this.scratch = new byte[longestTag + ReadingCodec.MAX_ENCODED_OVERHEAD];
    }

    /** Fills {@code out} with the next record. */
    public void next(SimulatedRecord out) {
        if (duplicateOf != null) {
            out.kind = RecordKind.DUPLICATE;
            out.key = lastKey;
            out.value = duplicateOf;
            out.malformedAs = null;
            out.reading.set(last);
            duplicateOf = null;
            counts[RecordKind.DUPLICATE.ordinal()]++;
            return;
        }
        if (malformedFollows) {
            malformedFollows = false;
            out.kind = RecordKind.MALFORMED;
            out.key = lastKey;
            out.malformedAs = malformed.pick(faultRandom);
            out.value = malformed.make(out.malformedAs, last);
            out.reading.set(last);
            counts[RecordKind.MALFORMED.ordinal()]++;
            return;
        }
        while (true) {
            int index = tagIndex;
            PlantTag tag = tags.get(index);
            long ts = startTs + slot * intervalMs + tag.phaseMs();
            HeldBack due = heldBack.peek();
            // Released once its delay has passed and something newer has gone out, so that a
            // consumer
            // really sees it out of order.
            if (due != null && due.releaseAt <= ts && newestSent > due.ts) {
                heldBack.poll();
                emit(out, due.kind, tags.get(due.tagIndex), due.ts, due.value, due.quality);
                return;
            }
            if (++tagIndex == tags.size()) {
                tagIndex = 0;
                slot++;
            }
            if (!tag.advance(ts)) {
                continue; // a dropout: nothing is sent
            }
            double u = faultRandom.nextDouble();
            if (u < faults.outOfOrder()) {
                holdBack(
                        RecordKind.OUT_OF_ORDER,
                        index,
                        ts,
                        1 + faultRandom.nextLong(faults.boundMs()));
            } else if (u < faults.outOfOrder() + faults.late()) {
                // Beyond the bound by at least one interval, so that it is late whatever the
                // spacing.
                long min = faults.boundMs() + intervalMs + 1;
                holdBack(
                        RecordKind.LATE,
                        index,
                        ts,
                        min + faultRandom.nextLong(Math.max(1, faults.lateMaxMs() - min + 1)));
            } else {
                emit(out, RecordKind.READING, tag, ts, tag.value(), tag.quality());
                return;
            }
        }
    }

    /** How many records of a kind were made so far. */
    public long count(RecordKind kind) {
        return counts[kind.ordinal()];
    }

    /** Readings held back and not yet sent. */
    public int heldBack() {
        return heldBack.size();
    }

    private void holdBack(RecordKind kind, int index, long ts, long delay) {
        PlantTag tag = tags.get(index);
        heldBack.add(
                new HeldBack(
                        ts + delay, heldBackSeq++, kind, index, ts, tag.value(), tag.quality()));
    }

    private void emit(
            SimulatedRecord out,
            RecordKind kind,
            PlantTag tag,
            long ts,
            double value,
            Quality quality) {
        out.kind = kind;
        out.key = tag.key();
        out.malformedAs = null;
        out.reading.tag = tag.name();
        out.reading.ts = ts;
        out.reading.value = value;
        out.reading.quality = quality;
        last.set(out.reading);
        newestSent = Math.max(newestSent, ts);
        lastKey = out.key;
        int length = codec.encode(tag.name(), ts, value, quality, scratch, 0);
        out.value = Arrays.copyOf(scratch, length);
        counts[kind.ordinal()]++;
        if (faults.duplicate() > 0 && faultRandom.nextDouble() < faults.duplicate()) {
            duplicateOf = out.value;
        }
        if (faults.malformed() > 0 && faultRandom.nextDouble() < faults.malformed()) {
            malformedFollows = true;
        }
    }

    /** A reading waiting for its release; ties break by the order they were held back in. */
    private record HeldBack(
            long releaseAt,
            long seq,
            RecordKind kind,
            int tagIndex,
            long ts,
            double value,
            Quality quality)
            implements Comparable<HeldBack> {
        @Override
        public int compareTo(HeldBack o) {
            return releaseAt != o.releaseAt
                    ? Long.compare(releaseAt, o.releaseAt)
                    : Long.compare(seq, o.seq);
        }
    }
}
