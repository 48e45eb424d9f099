package io.sluice.websocket.history;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads {@code window_stats} for the history API: raw windows, or buckets rolled up in SQL.
 *
 * <p>Every query walks the primary key (tag {@code COLLATE "C"}, window_ms, window_start): an exact
 * tag, or a prefix as a range of tags in byte order, so that no user text reaches a {@code LIKE}
 * pattern. Rows come back ordered by tag and start, one more than the limit, to tell the client
 * that the answer was cut.
 *
 * <p>Rollups are exact, merged from the stored partials rather than averaged from averages, by the
 * SQL functions of conf/sql/rollups.sql (documented in conf/sql/README.md), which analysts may call
 * too.
 */
public final class HistoryRepository {
    /** Longest one query may run; a slower one fails rather than hold a Jetty thread. */
    private static final int QUERY_TIMEOUT_SECONDS = 30;

    private static final String TAG_IS = "tag = ?";

    /**
     * A prefix's tags: itself, and every tag from "prefix." up to (excluding) "prefix/" ('/'
     * follows '.' in byte order). Written as one key range [prefix, prefix/) with a filter that
     * drops the neighbours inside it ("prefix-x", "prefix_x" sort between), so that PostgreSQL
     * walks a single stretch of the index in the order of the answer and stops at the limit.
     */
    private static final String TAG_UNDER =
            "tag >= ? COLLATE \"C\" AND tag < ? COLLATE \"C\" AND (tag = ? OR tag >= ? COLLATE \"C\")";

    private static final String RANGE =
            " AND window_ms = ? AND window_start >= ? AND window_start < ?";

    private static final String EPOCH_MS = "(EXTRACT(EPOCH FROM %s) * 1000)::bigint";

    private static final String RAW =
            "SELECT tag, "
                    + String.format(EPOCH_MS, "window_start")
                    + " AS window_start_ms, "
                    + String.format(EPOCH_MS, "window_end")
                    + " AS window_end_ms, NULL::bigint AS windows,"
                    + " count, good_count, uncertain_count, bad_count, sum, min, max, mean, stddev, twa,"
                    + " first_value, last_value, worst_quality, revision"
                    + " FROM window_stats WHERE %s"
                    + RANGE
                    + " ORDER BY tag, window_start LIMIT ?";

    /**
     * Buckets merged from the stored windows by the SQL function {@code window_rollup} of
     * conf/sql/rollups.sql: its arguments are the tag or prefix, whether the tags under it count (a
     * constant in place of %s, so that PostgreSQL plans only that branch), the window size, the
     * range's start and end, the bucket length.
     */
    private static final String ROLLUP =
            "SELECT tag, "
                    + String.format(EPOCH_MS, "window_start")
                    + " AS window_start_ms, "
                    + String.format(EPOCH_MS, "window_end")
                    + " AS window_end_ms, windows,"
                    + " count, good_count, uncertain_count, bad_count, sum, min, max, mean, stddev, twa,"
                    + " first_value, last_value, worst_quality, revision"
                    + " FROM window_rollup(?, %s, ?, ?, ?, ?) ORDER BY tag, window_start LIMIT ?";

    private final DataSource dataSource;

    /** Reads through the given pool (see {@link HistoryDataSource}). */
    public HistoryRepository(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
    }

    /** The rows of a query, at most its limit, ordered by tag and start. */
    public HistoryResult find(HistoryQuery query) throws SQLException {
        requireNonNull(query, "query");
        return query.isRollup() ? rollup(query) : raw(query);
    }

    private HistoryResult raw(HistoryQuery query) throws SQLException {
        String sql = String.format(RAW, query.tag() != null ? TAG_IS : TAG_UNDER);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            int i = 1;
            if (query.tag() != null) {
                statement.setString(i++, query.tag());
            } else {
                statement.setString(i++, query.prefix());
                statement.setString(i++, query.prefix() + "/");
                statement.setString(i++, query.prefix());
                statement.setString(i++, query.prefix() + ".");
            }
            statement.setInt(i++, Math.toIntExact(query.windowMs()));
            statement.setObject(i++, timestamp(query.fromMs()));
            statement.setObject(i++, timestamp(query.toMs()));
            statement.setInt(i, query.limit() + 1);
            return read(statement, query.limit());
        }
    }

    private HistoryResult rollup(HistoryQuery query) throws SQLException {
        boolean oneTag = query.tag() != null;
        String sql = String.format(ROLLUP, oneTag ? "false" : "true");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setString(1, oneTag ? query.tag() : query.prefix());
            statement.setInt(2, Math.toIntExact(query.windowMs()));
            statement.setObject(3, timestamp(query.fromMs()));
            statement.setObject(4, timestamp(query.toMs()));
            statement.setLong(5, query.bucketMs());
            statement.setInt(6, query.limit() + 1);
            return read(statement, query.limit());
        }
    }

    private static HistoryResult read(PreparedStatement statement, int limit) throws SQLException {
        List<HistoryRow> rows = new ArrayList<>();
        boolean truncated = false;
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                if (rows.size() == limit) {
                    truncated = true;
                    break;
                }
                rows.add(row(rs));
            }
        }
        return new HistoryResult(rows, truncated);
    }

    private static HistoryRow row(ResultSet rs) throws SQLException {
        return new HistoryRow(
                rs.getString("tag"),
                rs.getLong("window_start_ms"),
                rs.getLong("window_end_ms"),
                rs.getObject("windows", Long.class),
                rs.getLong("count"),
                rs.getLong("good_count"),
                rs.getLong("uncertain_count"),
                rs.getLong("bad_count"),
                rs.getDouble("sum"),
                rs.getDouble("min"),
                rs.getDouble("max"),
                rs.getDouble("mean"),
                rs.getDouble("stddev"),
                rs.getDouble("twa"),
                rs.getDouble("first_value"),
                rs.getDouble("last_value"),
                rs.getString("worst_quality"),
                rs.getInt("revision"));
    }

    private static OffsetDateTime timestamp(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }
}
