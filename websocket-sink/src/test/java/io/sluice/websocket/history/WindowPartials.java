package io.sluice.websocket.history;

import io.sluice.reading.Quality;
import io.sluice.reading.Reading;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * The rows the job would store for some readings: per tag and window, the partials (count, sum,
 * extremes, first and last, Welford's mean and m2, the time-weighted area and span, the quality
 * counts), with the definitions of job/README.md, written here from scratch.
 */
public final class WindowPartials {
    /** One row of window_stats. */
    public record Partial(
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

        public double stddev() {
            return Math.sqrt(m2 / count);
        }

        public double twa() {
            return twaArea / twaSpanMs;
        }
    }

    private WindowPartials() {}

    /**
     * The windows of {@code windowMs} of the readings (distinct timestamps per tag), ordered by tag
     * and start; {@code revision} gives each window's revision number.
     */
    public static List<Partial> of(
            List<Reading> readings, long windowMs, ToIntFunction<Long> revision) {
        Map<String, List<Reading>> byTag = new TreeMap<>();
        for (Reading r : readings) {
            byTag.computeIfAbsent(r.tag, t -> new ArrayList<>()).add(r);
        }
        List<Partial> partials = new ArrayList<>();
        for (List<Reading> series : byTag.values()) {
            series.sort(Comparator.comparingLong(r -> r.ts));
            int from = 0;
            while (from < series.size()) {
                long start = Math.floorDiv(series.get(from).ts, windowMs) * windowMs;
                int to = from;
                while (to < series.size() && series.get(to).ts < start + windowMs) {
                    to++;
                }
                partials.add(window(series, from, to, start, windowMs, revision.applyAsInt(start)));
                from = to;
            }
        }
        return partials;
    }

    private static Partial window(
            List<Reading> series, int from, int to, long start, long windowMs, int revision) {
        long count = 0;
        long[] qualities = new long[Quality.values().length];
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double mean = 0;
        double m2 = 0;
        Quality worst = Quality.GOOD;
        for (int i = from; i < to; i++) {
            Reading r = series.get(i);
            count++;
            double delta = r.value - mean;
            mean += delta / count;
            m2 += delta * (r.value - mean);
            sum += r.value;
            min = Math.min(min, r.value);
            max = Math.max(max, r.value);
            qualities[r.quality.ordinal()]++;
            worst = Quality.worst(worst, r.quality);
        }
        // Sample and hold: the value before the window holds from its start, each reading until the
        // next.
        double area = 0;
        long span = 0;
        if (from > 0) {
            long gap = series.get(from).ts - start;
            area += series.get(from - 1).value * gap;
            span += gap;
        }
        long end = start + windowMs;
        for (int i = from; i < to; i++) {
            long next = i + 1 < to ? series.get(i + 1).ts : end;
            area += series.get(i).value * (next - series.get(i).ts);
            span += next - series.get(i).ts;
        }
        Reading first = series.get(from);
        Reading last = series.get(to - 1);
        return new Partial(
                first.tag,
                windowMs,
                start,
                count,
                qualities[0],
                qualities[1],
                qualities[2],
                sum,
                min,
                max,
                first.ts,
                first.value,
                last.ts,
                last.value,
                mean,
                m2,
                area,
                span,
                worst,
                revision);
    }

    /** The job's schema, conf/sql/schema.sql as the conf module ships it. */
    public static String schema() throws IOException {
        try (InputStream in = WindowPartials.class.getResourceAsStream("/sluice/sql/schema.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Inserts the rows as the job's history sink would. */
    public static void insert(Connection connection, List<Partial> partials) throws SQLException {
        String sql =
                "INSERT INTO window_stats (tag, window_ms, window_start, window_end, count, good_count,"
                        + " uncertain_count, bad_count, sum, min, max, first_ts, first_value, last_ts, last_value,"
                        + " mean, m2, stddev, twa, twa_area, twa_span_ms, worst_quality, revision)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (Partial p : partials) {
                int i = 1;
                st.setString(i++, p.tag());
                st.setInt(i++, (int) p.windowMs());
                st.setObject(i++, timestamp(p.start()));
                st.setObject(i++, timestamp(p.start() + p.windowMs()));
                st.setLong(i++, p.count());
                st.setLong(i++, p.good());
                st.setLong(i++, p.uncertain());
                st.setLong(i++, p.bad());
                st.setDouble(i++, p.sum());
                st.setDouble(i++, p.min());
                st.setDouble(i++, p.max());
                st.setObject(i++, timestamp(p.firstTs()));
                st.setDouble(i++, p.firstValue());
                st.setObject(i++, timestamp(p.lastTs()));
                st.setDouble(i++, p.lastValue());
                st.setDouble(i++, p.mean());
                st.setDouble(i++, p.m2());
                st.setDouble(i++, p.stddev());
                st.setDouble(i++, p.twa());
                st.setDouble(i++, p.twaArea());
                st.setLong(i++, p.twaSpanMs());
                st.setString(i++, p.worst().wire());
                st.setInt(i, p.revision());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static OffsetDateTime timestamp(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }
}
