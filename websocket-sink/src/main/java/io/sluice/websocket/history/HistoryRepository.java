package io.sluice.websocket.history;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
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

    /** A row's window or bucket, [window_start, window_end), in epoch milliseconds. */
    private static final String SPAN =
            String.format(EPOCH_MS, "window_start")
                    + " AS window_start, "
                    + String.format(EPOCH_MS, "window_end")
                    + " AS window_end";

    private static final String RAW =
            "SELECT tag, "
                    + SPAN
                    + ","
                    + " count, good_count, uncertain_count, bad_count, sum, min, max, mean, stddev, twa,"
                    + " first_value, last_value, worst_quality, revision"
                    + " FROM window_stats WHERE %s"
                    + RANGE
                    + " ORDER BY tag, window_start LIMIT ?";

    /** The columns of a bucket: a window's, and how many stored windows it merged. */
    private static final String BUCKET_COLUMNS =
            "SELECT tag, "
                    + SPAN
                    + ", windows,"
                    + " count, good_count, uncertain_count, bad_count, sum, min, max, mean, stddev, twa,"
                    + " first_value, last_value, worst_quality, revision";

    /**
     * Buckets merged from the stored windows by the SQL function {@code window_rollup} of
     * conf/sql/rollups.sql: its arguments are the tag or prefix, whether the tags under it count (a
     * constant in place of %s, so that PostgreSQL plans only that branch), the window size, the
     * range's start and end, the bucket length.
     */
    private static final String ROLLUP =
            BUCKET_COLUMNS
                    + " FROM window_rollup(?, %s, ?, ?, ?, ?) ORDER BY tag, window_start LIMIT ?";

    /** Calendar buckets of a time zone: {@code window_rollup_calendar}, conf/sql/analytics.sql. */
    private static final String CALENDAR =
            BUCKET_COLUMNS
                    + " FROM window_rollup_calendar(?, %s, ?, ?, ?, ?::interval, ?)"
                    + " ORDER BY tag, window_start LIMIT ?";

    /** One tag's buckets with the empty ones filled: {@code window_gapfill}. */
    private static final String GAPFILL =
            "SELECT "
                    + SPAN
                    + ", windows, count, mean, twa, filled"
                    + " FROM window_gapfill(?, ?, ?, ?, ?, ?) ORDER BY window_start LIMIT ?";

    /** One tag's plot values: {@code window_decimate}. */
    private static final String DECIMATE =
            "SELECT "
                    + SPAN
                    + ", count, first_value, last_value, min, max"
                    + " FROM window_decimate(?, ?, ?, ?, ?) ORDER BY window_start LIMIT ?";

    /** The data-quality report per tag: {@code window_quality}. */
    private static final String QUALITY =
            "SELECT * FROM window_quality(?, %s, ?, ?, ?) ORDER BY tag LIMIT ?";

    private final DataSource dataSource;

    /** Reads through the given pool (see {@link HistoryDataSource}). */
    public HistoryRepository(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
    }

    /**
     * The rows of a query, at most its limit, ordered by tag and start.
     *
     * @throws SQLException also with SQLSTATE 22023 or P0002 when an analytics function refuses its
     *     arguments (a range too large, an unknown tag): {@link #isRefusal}
     */
    public HistoryResult find(HistoryQuery query) throws SQLException {
        requireNonNull(query, "query");
        HistoryShape shape = query.shape();
        String children = query.tag() != null ? "false" : "true";
        if (shape.quality()) {
            return call(String.format(QUALITY, children), query);
        }
        if (shape.points() > 0) {
            return call(DECIMATE, query, shape.points());
        }
        if (shape.fill() != null) {
            return call(GAPFILL, query, query.bucketMs(), shape.fill());
        }
        if (shape.tz() != null) {
            String bucket =
                    shape.months() > 0
                            ? shape.months() + " months"
                            : query.bucketMs() + " milliseconds";
            return call(String.format(CALENDAR, children), query, bucket, shape.tz());
        }
        if (query.isRollup()) {
            return call(String.format(ROLLUP, children), query, query.bucketMs());
        }
        return raw(query);
    }

    /**
     * A SQL function's rows: its arguments are always the tag or prefix, the window size, the
     * range's start and end, then its own, and the statement ends with the limit.
     */
    private HistoryResult call(String sql, HistoryQuery query, Object... own) throws SQLException {
        List<Object> args = new ArrayList<>();
        args.add(query.tag() != null ? query.tag() : query.prefix());
        args.add(Math.toIntExact(query.windowMs()));
        args.add(timestamp(query.fromMs()));
        args.add(timestamp(query.toMs()));
        args.addAll(List.of(own));
        args.add(query.limit() + 1);
        return read(sql, query, args.toArray());
    }

    /** True for an analytics function's refusal of its arguments: the client's mistake. */
    public static boolean isRefusal(SQLException e) {
        return "22023".equals(e.getSQLState()) || "P0002".equals(e.getSQLState());
    }

    private HistoryResult raw(HistoryQuery query) throws SQLException {
        List<Object> args = new ArrayList<>();
        if (query.tag() != null) {
            args.add(query.tag());
        } else {
            args.addAll(
                    List.of(
                            query.prefix(),
                            query.prefix() + "/",
                            query.prefix(),
                            query.prefix() + "."));
        }
        args.add(Math.toIntExact(query.windowMs()));
        args.add(timestamp(query.fromMs()));
        args.add(timestamp(query.toMs()));
        args.add(query.limit() + 1);
        return read(
                String.format(RAW, query.tag() != null ? TAG_IS : TAG_UNDER),
                query,
                args.toArray());
    }

    private HistoryResult read(String sql, HistoryQuery query, Object... args) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            boolean truncated = false;
            try (ResultSet rs = statement.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    columns.add(meta.getColumnLabel(c));
                }
                while (rs.next()) {
                    if (rows.size() == query.limit()) {
                        truncated = true;
                        break;
                    }
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int c = 1; c <= columns.size(); c++) {
                        row.add(rs.getObject(c));
                    }
                    rows.add(row);
                }
                return new HistoryResult(columns, rows, truncated);
            }
        }
    }

    private static OffsetDateTime timestamp(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }
}
