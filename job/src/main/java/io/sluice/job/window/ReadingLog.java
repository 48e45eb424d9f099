package io.sluice.job.window;

import java.util.Arrays;

/**
 * One tag's readings that can still change a window, sorted by (ts, value), in compact parallel
 * arrays: 17 bytes a reading. A POJO of primitive arrays, for Flink's serializers.
 *
 * <p>Readings stay here only while they can still change a window: until their finest window is
 * past its allowed lateness. A time-weighted average needs each reading's successor, so a reading
 * that arrives out of order cannot be folded into a constant-size partial; this log is the price of
 * exact averages under disorder and late revisions. Coarser windows never hold readings: they are
 * merged from the finest windows' partials.
 */
public final class ReadingLog {
    public long[] ts = new long[16];
    public double[] values = new double[16];

    /** Quality ordinals. */
    public byte[] qualities = new byte[16];

    public int size;

    /** Whether the signal holds a value from before the first reading here. */
    public boolean hasCarry;

    /** The last reading trimmed away: the value the signal holds until ts[0]. */
    public long carryTs;

    public double carryValue;

    /** Finest windows starting before this have been emitted (or had nothing to emit). */
    public long emittedUpTo = Long.MIN_VALUE;

    public ReadingLog() {}

    /**
     * Inserts a reading in (ts, value) order.
     *
     * @return its index, or -1 when the same reading (ts, value and quality) is already here
     */
    public int insert(long t, double v, byte q) {
        int i = size;
        // Readings come nearly in order: search back from the end.
        while (i > 0 && (ts[i - 1] > t || (ts[i - 1] == t && values[i - 1] > v))) {
            i--;
        }
        if (i > 0 && ts[i - 1] == t && values[i - 1] == v && qualities[i - 1] == q) {
            return -1;
        }
        if (size == ts.length) {
            int capacity = size * 2;
            ts = Arrays.copyOf(ts, capacity);
            values = Arrays.copyOf(values, capacity);
            qualities = Arrays.copyOf(qualities, capacity);
        }
        int tail = size - i;
        if (tail > 0) {
            System.arraycopy(ts, i, ts, i + 1, tail);
            System.arraycopy(values, i, values, i + 1, tail);
            System.arraycopy(qualities, i, qualities, i + 1, tail);
        }
        ts[i] = t;
        values[i] = v;
        qualities[i] = q;
        size++;
        return i;
    }

    /** Index of the first reading at or after {@code t}. */
    public int firstAtOrAfter(long t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ts[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Drops the readings before {@code t}, keeping the last one dropped as the carry. */
    public void trimBefore(long t) {
        int n = firstAtOrAfter(t);
        if (n == 0) {
            return;
        }
        hasCarry = true;
        carryTs = ts[n - 1];
        carryValue = values[n - 1];
        size -= n;
        System.arraycopy(ts, n, ts, 0, size);
        System.arraycopy(values, n, values, 0, size);
        System.arraycopy(qualities, n, qualities, 0, size);
    }
}
