package io.sluice.job.sinks;

import io.sluice.job.JobSettings;
import io.sluice.job.window.WindowStats;
import io.sluice.update.WindowVersion;

import org.apache.flink.api.connector.sink2.Sink;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Every window into PostgreSQL through flink-connector-jdbc, as an idempotent upsert keyed by (tag,
 * window size, window start): a replay writes the same rows again, and a revision replaces its row
 * unless the stored one is newer. So after a restart or a late revision there is exactly one
 * correct row per window.
 */
public final class HistorySink {
    /**
     * A timestamp parameter bound as epoch milliseconds: the server turns it into a timestamptz,
     * exactly, and the driver sends a number instead of formatting a date for each of 4 columns.
     */
    private static final String MILLIS = "(timestamptz 'epoch' + ? * interval '1 millisecond')";

    static final String UPSERT =
            "INSERT INTO window_stats (tag, window_ms, window_start, window_end, count, good_count,"
                    + " uncertain_count, bad_count, sum, min, max, first_ts, first_value, last_ts, last_value,"
                    + " mean, m2, stddev, twa, twa_area, twa_span_ms, worst_quality, revision, updated_at)"
                    + " VALUES (?, ?, "
                    + MILLIS
                    + ", "
                    + MILLIS
                    + ", ?, ?, ?, ?, ?, ?, ?, "
                    + MILLIS
                    + ", ?, "
                    + MILLIS
                    + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
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

    /** Sets the parameters of {@link #UPSERT} to the window's figures. */
    static void bind(PreparedStatement ps, WindowStats w) throws SQLException {
        ps.setString(1, w.tag);
        ps.setInt(2, (int) w.windowMs);
        ps.setLong(3, w.windowStart);
        ps.setLong(4, w.windowEnd());
        ps.setLong(5, w.count);
        ps.setLong(6, w.goodCount);
        ps.setLong(7, w.uncertainCount);
        ps.setLong(8, w.badCount);
        ps.setDouble(9, w.sum);
        ps.setDouble(10, w.min);
        ps.setDouble(11, w.max);
        ps.setLong(12, w.firstTs);
        ps.setDouble(13, w.firstValue);
        ps.setLong(14, w.lastTs);
        ps.setDouble(15, w.lastValue);
        ps.setDouble(16, w.mean);
        ps.setDouble(17, w.m2);
        ps.setDouble(18, w.stddev());
        ps.setDouble(19, w.twa());
        ps.setDouble(20, w.twaArea);
        ps.setLong(21, w.twaSpanMs);
        ps.setString(22, w.worstQuality.wire());
        ps.setInt(23, w.revision);
    }
}
