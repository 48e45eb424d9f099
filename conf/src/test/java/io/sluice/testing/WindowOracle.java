package io.sluice.testing;

import io.sluice.reading.Quality;
import io.sluice.reading.Reading;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * The windows the job must store, recomputed in plain Java straight from the readings, sharing no
 * code with the job: two-pass mean and deviation, and the time-weighted average integrated over the
 * sorted readings of each window, whatever its size. Shared through conf's test-jar: the job's
 * tests hold the stored windows to it, websocket-sink's and the demo's hold the history API to it
 * (raw and rolled up), and its rows are what {@link StoredWindows} inserts.
 */
public final class WindowOracle {
    /** One row of window_stats, with the partials (m2, time-weighted area and span). */
    public record Row(
            String tag,
            long windowMs,
            long start,
            long count,
            long good,
            long uncertain,
            long bad,
            double sum,
            double min,
            double max,
            long firstTs,
            double firstValue,
            long lastTs,
            double lastValue,
            double mean,
            double m2,
            double twaArea,
            long twaSpanMs,
            Quality worst,
            int revision) {

        /** Population standard deviation. */
        public double stddev() {
            return Math.sqrt(m2 / count);
        }

        /** Time-weighted average, sample and hold. */
        public double twa() {
            return twaArea / twaSpanMs;
        }
    }

    private WindowOracle() {}

    /**
     * Rows keyed by tag|windowMs|start ({@link #key}), of every size, for readings already cleared
     * of late ones; exact duplicates count once; revision 0.
     */
    public static Map<String, Row> expected(List<Reading> readings, long[] sizesMs) {
        Map<String, Row> rows = new HashMap<>();
        for (long size : sizesMs) {
            for (Row row : windows(readings, size, start -> 0)) {
                rows.put(key(row.tag(), size, row.start()), row);
            }
        }
        return rows;
    }

    /**
     * The windows of {@code windowMs}, ordered by tag and start; {@code revision} gives each
     * window's revision from its start.
     */
    public static List<Row> windows(
            List<Reading> readings, long windowMs, ToIntFunction<Long> revision) {
        Map<String, List<Reading>> byTag = new TreeMap<>();
        Set<Reading> distinct = new LinkedHashSet<>(readings);
        for (Reading r : distinct) {
            byTag.computeIfAbsent(r.tag, t -> new ArrayList<>()).add(r);
        }
        List<Row> rows = new ArrayList<>();
        for (List<Reading> list : byTag.values()) {
            list.sort(
                    Comparator.comparingLong((Reading r) -> r.ts)
                            .thenComparingDouble(r -> r.value));
            int i = 0;
            while (i < list.size()) {
                long start = Math.floorDiv(list.get(i).ts, windowMs) * windowMs;
                int j = i;
                while (j < list.size() && list.get(j).ts < start + windowMs) {
                    j++;
                }
                rows.add(window(list, i, j, start, windowMs, revision.applyAsInt(start)));
                i = j;
            }
        }
        return rows;
    }

    public static String key(String tag, long windowMs, long start) {
        return tag + "|" + windowMs + "|" + start;
    }

    /**
     * What a live client missed: for each tag, the windows of one size that the oracle has between
     * the first and the last start the client saw, and it did not ("tag@start").
     */
    public static List<String> gaps(
            Map<String, ? extends NavigableSet<Long>> startsByTag,
            Map<String, Row> oracle,
            long windowMs) {
        List<String> gaps = new ArrayList<>();
        startsByTag.forEach(
                (tag, starts) -> {
                    for (long s = starts.first(); s <= starts.last(); s += windowMs) {
                        if (!starts.contains(s) && oracle.containsKey(key(tag, windowMs, s))) {
                            gaps.add(tag + "@" + s);
                        }
                    }
                });
        return gaps;
    }

    private static Row window(
            List<Reading> list, int from, int to, long start, long size, int revision) {
        long end = start + size;
        int n = to - from;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long good = 0;
        long uncertain = 0;
        long bad = 0;
        Quality worst = Quality.GOOD;
        for (int i = from; i < to; i++) {
            Reading r = list.get(i);
            sum += r.value;
            min = Math.min(min, r.value);
            max = Math.max(max, r.value);
            switch (r.quality) {
                case GOOD -> good++;
                case UNCERTAIN -> uncertain++;
                default -> bad++;
            }
            if (r.quality.ordinal() > worst.ordinal()) {
                worst = r.quality;
            }
        }
        double mean = sum / n;
        double squares = 0;
        for (int i = from; i < to; i++) {
            double d = list.get(i).value - mean;
            squares += d * d;
        }
        // Sample-and-hold: from the previous reading (if any) at the start, each reading until the
        // next.
        double area = 0;
        long span = 0;
        long t = from > 0 ? start : list.get(from).ts;
        double held = from > 0 ? list.get(from - 1).value : list.get(from).value;
        for (int i = from; i < to; i++) {
            Reading r = list.get(i);
            area += held * (r.ts - t);
            span += r.ts - t;
            t = r.ts;
            held = r.value;
        }
        area += held * (end - t);
        span += end - t;
        Reading first = list.get(from);
        Reading last = list.get(to - 1);
        return new Row(
                first.tag,
                size,
                start,
                n,
                good,
                uncertain,
                bad,
                sum,
                min,
                max,
                first.ts,
                first.value,
                last.ts,
                last.value,
                mean,
                squares,
                area,
                span,
                worst,
                revision);
    }
}
