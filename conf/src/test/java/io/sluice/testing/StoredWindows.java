package io.sluice.testing;

import io.sluice.history.HistorySchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** A history database as the job leaves it: the schema, and rows of {@link WindowOracle}. */
public final class StoredWindows {
    private StoredWindows() {}

    /** Installs the schema and inserts the rows. */
    public static void store(Connection connection, List<WindowOracle.Row> rows)
            throws SQLException {
        HistorySchema.apply(connection);
        insert(connection, rows);
    }

    /** Inserts the rows as the job's history sink would. */
    public static void insert(Connection connection, List<WindowOracle.Row> rows)
            throws SQLException {
        String sql =
                "INSERT INTO window_stats (tag, window_ms, window_start, window_end, count, good_count,"
                        + " uncertain_count, bad_count, sum, min, max, first_ts, first_value, last_ts, last_value,"
                        + " mean, m2, stddev, twa, twa_area, twa_span_ms, worst_quality, revision)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (WindowOracle.Row p : rows) {
                int i = 1;
                st.setString(i++, p.tag());
                st.setInt(i++, Math.toIntExact(p.windowMs()));
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
