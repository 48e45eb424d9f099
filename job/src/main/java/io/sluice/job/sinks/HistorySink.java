package io.sluice.job.sinks;

import io.sluice.job.JobSettings;
import io.sluice.job.window.WindowStats;
import io.sluice.update.WindowVersion;

import org.apache.flink.api.connector.sink2.Sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Every window into PostgreSQL through flink-connector-jdbc, as an idempotent upsert keyed by (tag,
 * window size, window start): a replay writes the same rows again, and a revision replaces its row
 * unless the stored one is newer. So after a restart or a late revision there is exactly one
 * correct row per window.
 */
public final class HistorySink {
    /** A timestamp column of the batch, epoch milliseconds, as the server turns it: exactly. */
    private static String millis(String column) {
        return "timestamptz 'epoch' + " + column + " * interval '1 millisecond'";
    }

    /**
     * One batch of windows, one statement: each column comes as an array, bound once (the driver
     * sends numbers, not a formatted date a timestamp), and {@code unnest} turns them into rows.
     */
    static final String UPSERT =
            "INSERT INTO window_stats (tag, window_ms, window_start, window_end, count, good_count,"
                    + " uncertain_count, bad_count, sum, min, max, first_ts, first_value, last_ts, last_value,"
                    + " mean, m2, stddev, twa, twa_area, twa_span_ms, worst_quality, revision, updated_at)"
                    + " SELECT tag, window_ms, "
                    + millis("ws")
                    + ", "
                    + millis("we")
                    + ", count, good_count, uncertain_count, bad_count, sum, min, max, "
                    + millis("fts")
                    + ", first_value, "
                    + millis("lts")
                    + ", last_value, mean, m2, stddev, twa, twa_area, twa_span_ms, worst_quality,"
                    + " revision, now()"
                    + " FROM unnest(?::text[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[],"
                    + " ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::float8[], ?::float8[],"
                    + " ?::bigint[], ?::float8[], ?::bigint[], ?::float8[], ?::float8[], ?::float8[],"
                    + " ?::float8[], ?::float8[], ?::float8[], ?::bigint[], ?::text[], ?::int[])"
                    + " AS batch(tag, window_ms, ws, we, count, good_count, uncertain_count, bad_count,"
                    + " sum, min, max, fts, first_value, lts, last_value, mean, m2, stddev, twa, twa_area,"
                    + " twa_span_ms, worst_quality, revision)"
                    + " ON CONFLICT (tag, window_ms, window_start) DO UPDATE SET"
                    + " window_end = EXCLUDED.window_end, count = EXCLUDED.count, good_count = EXCLUDED.good_count,"
                    + " uncertain_count = EXCLUDED.uncertain_count, bad_count = EXCLUDED.bad_count,"
                    + " sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max,"
                    + " first_ts = EXCLUDED.first_ts, first_value = EXCLUDED.first_value,"
                    + " last_ts = EXCLUDED.last_ts, last_value = EXCLUDED.last_value, mean = EXCLUDED.mean,"
                    + " m2 = EXCLUDED.m2, stddev = EXCLUDED.stddev, twa = EXCLUDED.twa,"
                    + " twa_area = EXCLUDED.twa_area, twa_span_ms = EXCLUDED.twa_span_ms,"
                    + " worst_quality = EXCLUDED.worst_quality, revision = EXCLUDED.revision, updated_at = now()"
                    + " WHERE window_supersedes(EXCLUDED.window_start, EXCLUDED.revision,"
                    + " window_stats.window_start, window_stats.revision)";

    private HistorySink() {}

    /** The history sink: upserts in batches that hold each window once, newest revision. */
    public static Sink<WindowStats> create(JobSettings s) {
        return ConflatingSink.upserts(s, UPSERT, HistorySink::bind, new NewestRevision());
    }

    /** A window is a row; its newest revision stays ({@link WindowVersion}). */
    static final class NewestRevision implements ConflatingSink.Conflation<WindowStats> {
        private static final long serialVersionUID = 1L;

        @Override
        public Object key(WindowStats w) {
            return new WindowKey(w.tag, w.windowMs, w.windowStart);
        }

        @Override
        public WindowStats newer(WindowStats held, WindowStats incoming) {
            return WindowVersion.supersedes(
                            incoming.windowStart,
                            incoming.revision,
                            held.windowStart,
                            held.revision)
                    ? incoming
                    : held;
        }
    }

    private record WindowKey(String tag, long windowMs, long windowStart) {}

    /** Sets the parameters of {@link #UPSERT}: each column of the batch's windows as an array. */
    static void bind(PreparedStatement ps, List<WindowStats> batch) throws SQLException {
        int n = batch.size();
        String[] tag = new String[n];
        int[] windowMs = new int[n];
        long[] start = new long[n];
        long[] end = new long[n];
        long[] count = new long[n];
        long[] good = new long[n];
        long[] uncertain = new long[n];
        long[] bad = new long[n];
        double[] sum = new double[n];
        double[] min = new double[n];
        double[] max = new double[n];
        long[] firstTs = new long[n];
        double[] firstValue = new double[n];
        long[] lastTs = new long[n];
        double[] lastValue = new double[n];
        double[] mean = new double[n];
        double[] m2 = new double[n];
        double[] stddev = new double[n];
        double[] twa = new double[n];
        double[] twaArea = new double[n];
        long[] twaSpanMs = new long[n];
        String[] worstQuality = new String[n];
        int[] revision = new int[n];
        for (int i = 0; i < n; i++) {
            WindowStats w = batch.get(i);
            tag[i] = w.tag;
            windowMs[i] = (int) w.windowMs;
            start[i] = w.windowStart;
            end[i] = w.windowEnd();
            count[i] = w.count;
            good[i] = w.goodCount;
            uncertain[i] = w.uncertainCount;
            bad[i] = w.badCount;
            sum[i] = w.sum;
            min[i] = w.min;
            max[i] = w.max;
            firstTs[i] = w.firstTs;
            firstValue[i] = w.firstValue;
            lastTs[i] = w.lastTs;
            lastValue[i] = w.lastValue;
            mean[i] = w.mean;
            m2[i] = w.m2;
            stddev[i] = w.stddev();
            twa[i] = w.twa();
            twaArea[i] = w.twaArea;
            twaSpanMs[i] = w.twaSpanMs;
            worstQuality[i] = w.worstQuality.wire();
            revision[i] = w.revision;
        }
        Connection c = ps.getConnection();
        ps.setArray(1, c.createArrayOf("text", tag));
        Object[] numbers = {
            windowMs,
            start,
            end,
            count,
            good,
            uncertain,
            bad,
            sum,
            min,
            max,
            firstTs,
            firstValue,
            lastTs,
            lastValue,
            mean,
            m2,
            stddev,
            twa,
            twaArea,
            twaSpanMs
        };
        for (int k = 0; k < numbers.length; k++) {
            ps.setObject(2 + k, numbers[k]); // PgJDBC sends a primitive array as an SQL array
        }
        ps.setArray(22, c.createArrayOf("text", worstQuality));
        ps.setObject(23, revision);
    }
}
