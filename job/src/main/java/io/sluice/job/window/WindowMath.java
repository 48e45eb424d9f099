package io.sluice.job.window;

import io.sluice.reading.Quality;

/**
 * The statistics of a window, computed from sorted readings (the finest windows) or merged from the
 * partials of its sub-windows (coarser windows). Pure functions; the oracle tests check them
 * against a plain recomputation.
 */
public final class WindowMath {
    private WindowMath() {}

    /**
     * The finest window [start, start + windowMs) from the readings log[from, to), all inside it,
     * sorted. {@code hasPrevious}/{@code previous}: the value the signal holds at the window's
     * start, from the last reading before it.
     */
    public static WindowStats ofReadings(
            String tag,
            long windowMs,
            long start,
            ReadingLog log,
            int from,
            int to,
            boolean hasPrevious,
            double previous) {
        WindowStats w = empty(tag, windowMs, start);
        long end = start + windowMs;
        if (hasPrevious) {
            long gap = log.ts[from] - start;
            w.twaArea += previous * gap;
            w.twaSpanMs += gap;
        }
        w.firstTs = log.ts[from];
        w.firstValue = log.values[from];
        for (int i = from; i < to; i++) {
            double v = log.values[i];
            long next = i + 1 < to ? log.ts[i + 1] : end;
            w.twaArea += v * (next - log.ts[i]);
            w.twaSpanMs += next - log.ts[i];
            addValue(w, v, Quality.ofOrdinal(log.qualities[i]));
        }
        w.lastTs = log.ts[to - 1];
        w.lastValue = log.values[to - 1];
        return w;
    }

    /**
     * A coarse window [start, start + windowMs) merged from its finest windows, in time order.
     * Between and after them the signal holds the last value before (an empty finest window has no
     * row, but its time still counts). {@code hasHeld}/{@code held}: the value held at the start.
     */
    public static WindowStats merge(
            String tag,
            long windowMs,
            long start,
            Iterable<WindowStats> fineInOrder,
            boolean hasHeld,
            double held) {
        WindowStats w = empty(tag, windowMs, start);
        long cursor = start;
        boolean first = true;
        for (WindowStats f : fineInOrder) {
            if (hasHeld) {
                w.twaArea += held * (f.windowStart - cursor);
                w.twaSpanMs += f.windowStart - cursor;
            }
            w.twaArea += f.twaArea;
            w.twaSpanMs += f.twaSpanMs;
            if (first) {
                w.firstTs = f.firstTs;
                w.firstValue = f.firstValue;
                first = false;
            }
            w.lastTs = f.lastTs;
            w.lastValue = f.lastValue;
            combine(w, f);
            held = f.lastValue;
            hasHeld = true;
            cursor = f.windowStart + f.windowMs;
        }
        if (first) {
            return null;
        }
        long end = start + windowMs;
        w.twaArea += held * (end - cursor);
        w.twaSpanMs += end - cursor;
        return w;
    }

    /** Whether two emissions of a window carry the same figures (the revision aside). */
    public static boolean sameFigures(WindowStats a, WindowStats b) {
        int revision = b.revision;
        b.revision = a.revision;
        boolean same = a.equals(b);
        b.revision = revision;
        return same;
    }

    private static WindowStats empty(String tag, long windowMs, long start) {
        WindowStats w = new WindowStats();
        w.tag = tag;
        w.windowMs = windowMs;
        w.windowStart = start;
        w.min = Double.POSITIVE_INFINITY;
        w.max = Double.NEGATIVE_INFINITY;
        return w;
    }

    /** Welford's update with one value. */
    private static void addValue(WindowStats w, double v, Quality q) {
        w.count++;
        double delta = v - w.mean;
        w.mean += delta / w.count;
        w.m2 += delta * (v - w.mean);
        w.sum += v;
        w.min = Math.min(w.min, v);
        w.max = Math.max(w.max, v);
        countQuality(w, q, 1);
    }

    /** Chan et al.'s parallel merge of Welford partials, and the rest. */
    private static void combine(WindowStats w, WindowStats f) {
        long n = w.count + f.count;
        double delta = f.mean - w.mean;
        w.mean = w.count == 0 ? f.mean : w.mean + delta * f.count / n;
        w.m2 = w.m2 + f.m2 + delta * delta * ((double) w.count * f.count / n);
        w.count = n;
        w.sum += f.sum;
        w.min = Math.min(w.min, f.min);
        w.max = Math.max(w.max, f.max);
        w.goodCount += f.goodCount;
        w.uncertainCount += f.uncertainCount;
        w.badCount += f.badCount;
        w.worstQuality = Quality.worst(w.worstQuality, f.worstQuality);
    }

    private static void countQuality(WindowStats w, Quality q, long n) {
        switch (q) {
            case GOOD:
                w.goodCount += n;
                break;
            case UNCERTAIN:
                w.uncertainCount += n;
                break;
            default:
                w.badCount += n;
        }
        w.worstQuality = Quality.worst(w.worstQuality, q);
    }
}
