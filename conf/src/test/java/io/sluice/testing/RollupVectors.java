package io.sluice.testing;

import io.sluice.reading.Quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollup test vectors, conf/samples/rollups/: per case (a tag), its stored windows and the
 * bucket merged from them, for the job's {@code WindowMath} and the SQL functions of
 * conf/sql/rollups.sql alike.
 */
public final class RollupVectors {
    private static final String ROOT = "/sluice/samples/rollups/";

    /**
     * How far a derived figure (mean, stddev, twa) may be from the exact one: this fraction of the
     * values' magnitude. A one-pass deviation of the large-offset case misses by far more.
     */
    public static final double TOLERANCE = 1e-12;

    /** One case: its stored windows, those before the bucket first, and the merged bucket. */
    public record Case(String name, List<WindowOracle.Row> windows, Merged merged) {
        /** The stored windows inside the bucket, in time order. */
        public List<WindowOracle.Row> inside() {
            return windows.stream().filter(w -> w.start() >= merged.start()).toList();
        }

        /** The last stored window before the bucket, or null: it holds its last value into it. */
        public WindowOracle.Row before() {
            WindowOracle.Row last = null;
            for (WindowOracle.Row w : windows) {
                if (w.start() < merged.start()) {
                    last = w;
                }
            }
            return last;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The expected bucket [start, start + windowMs). */
    public record Merged(
            long start,
            long windowMs,
            long windows,
            long count,
            long good,
            long uncertain,
            long bad,
            double sum,
            double min,
            double max,
            double mean,
            double stddev,
            double twa,
            double firstValue,
            double lastValue,
            Quality worst) {

        /**
         * What differs in {@code actual} (a rollup or merge of the case's windows): exact figures
         * must be equal, derived ones within {@link #TOLERANCE}; empty when it matches.
         */
        public List<String> differences(Merged actual) {
            List<String> out = new ArrayList<>();
            exact(out, "window_start", start, actual.start);
            exact(out, "window_ms", windowMs, actual.windowMs);
            exact(out, "windows", windows, actual.windows);
            exact(out, "count", count, actual.count);
            exact(out, "good", good, actual.good);
            exact(out, "uncertain", uncertain, actual.uncertain);
            exact(out, "bad", bad, actual.bad);
            exact(out, "min", min, actual.min);
            exact(out, "max", max, actual.max);
            exact(out, "first_value", firstValue, actual.firstValue);
            exact(out, "last_value", lastValue, actual.lastValue);
            exact(out, "worst", worst, actual.worst);
            double scale = Math.max(1, Math.max(Math.abs(min), Math.abs(max)));
            near(out, "sum", sum, actual.sum, scale * count);
            near(out, "mean", mean, actual.mean, scale);
            near(out, "stddev", stddev, actual.stddev, scale);
            near(out, "twa", twa, actual.twa, scale);
            return out;
        }

        private static void exact(List<String> out, String name, Object expected, Object actual) {
            if (!expected.equals(actual)) {
                out.add(name + ": expected " + expected + ", got " + actual);
            }
        }

        private static void near(
                List<String> out, String name, double expected, double actual, double scale) {
            if (!(Math.abs(expected - actual) <= TOLERANCE * scale)) {
                out.add(name + ": expected " + expected + ", got " + actual);
            }
        }
    }

    private RollupVectors() {}

    /** Every case, in file order. */
    public static List<Case> all() {
        Map<String, List<WindowOracle.Row>> windows = new LinkedHashMap<>();
        for (String[] f : rows("partials.tsv", 19)) {
            windows.computeIfAbsent(f[0], c -> new ArrayList<>())
                    .add(
                            new WindowOracle.Row(
                                    f[0],
                                    Long.parseLong(f[2]),
                                    Long.parseLong(f[1]),
                                    Long.parseLong(f[3]),
                                    Long.parseLong(f[4]),
                                    Long.parseLong(f[5]),
                                    Long.parseLong(f[6]),
                                    Double.parseDouble(f[7]),
                                    Double.parseDouble(f[8]),
                                    Double.parseDouble(f[9]),
                                    Long.parseLong(f[10]),
                                    Double.parseDouble(f[11]),
                                    Long.parseLong(f[12]),
                                    Double.parseDouble(f[13]),
                                    Double.parseDouble(f[14]),
                                    Double.parseDouble(f[15]),
                                    Double.parseDouble(f[16]),
                                    Long.parseLong(f[17]),
                                    Quality.ofWire(f[18]),
                                    0));
        }
        List<Case> cases = new ArrayList<>();
        for (String[] f : rows("merged.tsv", 17)) {
            List<WindowOracle.Row> of = windows.get(f[0]);
            if (of == null) {
                throw new IllegalStateException("merged.tsv: no windows for case " + f[0]);
            }
            cases.add(
                    new Case(
                            f[0],
                            of,
                            new Merged(
                                    Long.parseLong(f[1]),
                                    Long.parseLong(f[2]),
                                    Long.parseLong(f[3]),
                                    Long.parseLong(f[4]),
                                    Long.parseLong(f[5]),
                                    Long.parseLong(f[6]),
                                    Long.parseLong(f[7]),
                                    Double.parseDouble(f[8]),
                                    Double.parseDouble(f[9]),
                                    Double.parseDouble(f[10]),
                                    Double.parseDouble(f[11]),
                                    Double.parseDouble(f[12]),
                                    Double.parseDouble(f[13]),
                                    Double.parseDouble(f[14]),
                                    Double.parseDouble(f[15]),
                                    Quality.ofWire(f[16]))));
        }
        if (cases.size() != windows.size()) {
            throw new IllegalStateException("partials.tsv and merged.tsv hold different cases");
        }
        return cases;
    }

    private static List<String[]> rows(String file, int columns) {
        return SampleTables.rows(ROOT + file, columns);
    }
}
