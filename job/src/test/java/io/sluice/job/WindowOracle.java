package io.sluice.job;

import io.sluice.reading.Quality;
import io.sluice.reading.Reading;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The windows the job must store, recomputed in plain Java straight from the readings, sharing no
 * code with the job: two-pass mean and deviation, and the time-weighted average integrated over the
 * sorted readings of each window, whatever its size. The history API's tests (flink-deploy/demo)
 * hold the stored windows, raw and rolled up, to it too.
 */
public final class WindowOracle {
    /** One expected row. */
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
            double stddev,
            double twa,
            Quality worst) {}

    private WindowOracle() {}

    /**
     * Rows keyed by tag|windowMs|start, for readings already cleared of late ones; exact duplicates
     * count once.
     */
    public static Map<String, Row> expected(List<Reading> readings, long[] sizesMs) {
        Map<String, List<Reading>> byTag = new HashMap<>();
        Set<Reading> distinct = new LinkedHashSet<>(readings);
        for (Reading r : distinct) {
            byTag.computeIfAbsent(r.tag, t -> new ArrayList<>()).add(r);
        }
        Map<String, Row> rows = new HashMap<>();
        for (List<Reading> list : byTag.values()) {
            list.sort(
                    Comparator.comparingLong((Reading r) -> r.ts)
                            .thenComparingDouble(r -> r.value));
            for (long size : sizesMs) {
                int i = 0;
                while (i < list.size()) {
                    long start = Math.floorDiv(list.get(i).ts, size) * size;
                    int j = i;
                    while (j < list.size() && list.get(j).ts < start + size) {
                        j++;
                    }
                    Row row = window(list, i, j, start, size);
                    rows.put(key(row.tag(), size, start), row);
                    i = j;
                }
            }
        }
        return rows;
    }

    public static String key(String tag, long windowMs, long start) {
        return tag + "|" + windowMs + "|" + start;
    }

    private static Row window(List<Reading> list, int from, int to, long start, long size) {
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
                Math.sqrt(squares / n),
                area / span,
                worst);
    }
}
