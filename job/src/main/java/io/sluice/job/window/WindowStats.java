package io.sluice.job.window;

import io.sluice.reading.Quality;

import java.util.Objects;

/**
 * The statistics of one tag over one tumbling window: what the job stores in PostgreSQL and pushes
 * to Redis. A POJO with public fields, so Flink serialises it without Kryo.
 *
 * <p>Besides the finished figures (mean, standard deviation, time-weighted average) it carries the
 * mergeable partials (count, sum, m2, first and last, the time-weighted area and span), so that
 * coarser windows and analysts' rollups can be derived exactly from stored rows.
 */
public final class WindowStats {
    public String tag;

    /** Window length, milliseconds. */
    public long windowMs;

    /** Window start, epoch milliseconds, inclusive. */
    public long windowStart;

    public long count;
    public long goodCount;
    public long uncertainCount;
    public long badCount;

    public double sum;
    public double min;
    public double max;

    public long firstTs;
    public double firstValue;
    public long lastTs;
    public double lastValue;

    /** Arithmetic mean (Welford). */
    public double mean;

    /** Sum of squared deviations from the mean (Welford's M2): stddev = sqrt(m2 / count). */
    public double m2;

    /**
     * Integral of the sample-and-hold signal over the covered part of the window, value x ms. The
     * signal holds each reading's value until the next reading; before the window's first reading
     * it holds the previous reading's value, if there was one.
     */
    public double twaArea;

    /**
     * Milliseconds of the window the area covers: the whole window once a previous reading exists.
     */
    public long twaSpanMs;

    public Quality worstQuality = Quality.GOOD;

    /** 0 for the window's first emission; each late revision adds one. */
    public int revision;

    public WindowStats() {}

    /** Copies another window's fields into this one. */
    public WindowStats set(WindowStats from) {
        tag = from.tag;
        windowMs = from.windowMs;
        windowStart = from.windowStart;
        count = from.count;
        goodCount = from.goodCount;
        uncertainCount = from.uncertainCount;
        badCount = from.badCount;
        sum = from.sum;
        min = from.min;
        max = from.max;
        firstTs = from.firstTs;
        firstValue = from.firstValue;
        lastTs = from.lastTs;
        lastValue = from.lastValue;
        mean = from.mean;
        m2 = from.m2;
        twaArea = from.twaArea;
        twaSpanMs = from.twaSpanMs;
        worstQuality = from.worstQuality;
        revision = from.revision;
        return this;
    }

    public long windowEnd() {
        return windowStart + windowMs;
    }

    /** Population standard deviation. */
    public double stddev() {
        return count == 0 ? Double.NaN : Math.sqrt(m2 / count);
    }

    /** Time-weighted average over the covered part of the window. */
    public double twa() {
        return twaSpanMs == 0 ? lastValue : twaArea / twaSpanMs;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WindowStats)) {
            return false;
        }
        WindowStats w = (WindowStats) o;
        return windowMs == w.windowMs
                && windowStart == w.windowStart
                && count == w.count
                && goodCount == w.goodCount
                && uncertainCount == w.uncertainCount
                && badCount == w.badCount
                && Double.compare(sum, w.sum) == 0
                && Double.compare(min, w.min) == 0
                && Double.compare(max, w.max) == 0
                && firstTs == w.firstTs
                && Double.compare(firstValue, w.firstValue) == 0
                && lastTs == w.lastTs
                && Double.compare(lastValue, w.lastValue) == 0
                && Double.compare(mean, w.mean) == 0
                && Double.compare(m2, w.m2) == 0
                && Double.compare(twaArea, w.twaArea) == 0
                && twaSpanMs == w.twaSpanMs
                && worstQuality == w.worstQuality
                && revision == w.revision
                && Objects.equals(tag, w.tag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tag, windowMs, windowStart, count, revision);
    }

    @Override
    public String toString() {
        return "WindowStats{"
                + tag
                + " ["
                + windowStart
                + "+"
                + windowMs
                + "ms] n="
                + count
                + " min="
                + min
                + " max="
                + max
                + " mean="
                + mean
                + " twa="
                + twa()
                + " rev="
                + revision
                + "}";
    }
}
