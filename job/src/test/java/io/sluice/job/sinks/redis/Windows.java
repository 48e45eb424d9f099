package io.sluice.job.sinks.redis;

import io.sluice.job.window.WindowStats;
import io.sluice.reading.Quality;

/** Window statistics for the sink's tests; times are offsets from one fixed BEGINNING. */
final class Windows {
    /** A minute boundary: 2026-11-26T..:..:00Z. */
    static final long BEGINNING = 1795735260000L;

    static final long SECOND = 1000;
    static final long MINUTE = 60_000;

    private Windows() {}

    /** Ten readings around {@code value} in the window [BEGINNING + offset, + windowMs). */
    static WindowStats stats(String tag, long windowMs, long offset, double value) {
        return stats(tag, windowMs, offset, value, 0);
    }

    static WindowStats stats(String tag, long windowMs, long offset, double value, int revision) {
        WindowStats s = new WindowStats();
        s.tag = tag;
        s.windowMs = windowMs;
        s.windowStart = BEGINNING + offset;
        s.count = 10;
        s.goodCount = 10;
        s.sum = value * 10;
        s.min = value - 0.5;
        s.max = value + 0.5;
        s.firstTs = s.windowStart;
        s.firstValue = value - 0.25;
        s.lastTs = s.windowStart + windowMs - 1;
        s.lastValue = value + 0.25;
        s.mean = value;
        s.m2 = 10 * 0.0625;
        s.twaArea = value * windowMs;
        s.twaSpanMs = windowMs;
        s.worstQuality = Quality.GOOD;
        s.revision = revision;
        return s;
    }
}
