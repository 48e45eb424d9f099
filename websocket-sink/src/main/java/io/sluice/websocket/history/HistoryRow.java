package io.sluice.websocket.history;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One row of an answer: a stored window, or a bucket rolled up from several.
 *
 * <p>Field names are the table's column names, and the same in JSON and CSV, so that a notebook
 * reading either meets the names it knows from {@code window_stats}. Times are epoch milliseconds.
 *
 * @param windows stored windows in the bucket; null for a raw window
 */
public record HistoryRow(
        String tag,
        long windowStart,
        long windowEnd,
        Long windows,
        long count,
        long goodCount,
        long uncertainCount,
        long badCount,
        double sum,
        double min,
        double max,
        double mean,
        double stddev,
        double twa,
        double firstValue,
        double lastValue,
        String worstQuality,
        int revision) {

    private static final List<String> RAW_FIELDS =
            List.of(
                    "tag",
                    "window_start",
                    "window_end",
                    "count",
                    "good_count",
                    "uncertain_count",
                    "bad_count",
                    "sum",
                    "min",
                    "max",
                    "mean",
                    "stddev",
                    "twa",
                    "first_value",
                    "last_value",
                    "worst_quality",
                    "revision");

    private static final List<String> ROLLUP_FIELDS = withWindows(RAW_FIELDS);

    public HistoryRow {
        requireNonNull(tag, "tag");
        requireNonNull(worstQuality, "worstQuality");
    }

    /** The field names, in order, of raw windows or of buckets (which add {@code windows}). */
    public static List<String> fieldNames(boolean rollup) {
        return rollup ? ROLLUP_FIELDS : RAW_FIELDS;
    }

    /** The values in the order of {@link #fieldNames}: String, Long, Double or Integer. */
    public List<Object> fieldValues() {
        List<Object> values = new ArrayList<>(ROLLUP_FIELDS.size());
        values.add(tag);
        values.add(windowStart);
        values.add(windowEnd);
        if (windows != null) {
            values.add(windows);
        }
        values.addAll(
                List.of(
                        count,
                        goodCount,
                        uncertainCount,
                        badCount,
                        sum,
                        min,
                        max,
                        mean,
                        stddev,
                        twa,
                        firstValue,
                        lastValue,
                        worstQuality,
                        revision));
        return values;
    }

    private static List<String> withWindows(List<String> raw) {
        List<String> names = new ArrayList<>(raw);
        names.add(names.indexOf("window_end") + 1, "windows");
        return List.copyOf(names);
    }
}
