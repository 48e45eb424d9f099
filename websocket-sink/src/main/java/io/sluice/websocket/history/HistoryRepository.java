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
 * <p>Rollups are exact, merged from the stored partials rather than averaged from averages: counts,
 * sums and extremes add up; the spread combines each window's {@code m2} with the distance of its
 * mean from the bucket's mean (Chan's parallel formula, in its two-pass form, which does not cancel
 * catastrophically when the values are large and their spread small); the time-weighted average
 * divides the summed areas by the summed spans.
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
     * Buckets merged from the stored windows. The time-weighted average also counts the stretches
     * with no stored window (a tag that sent nothing for a while): the value held there is the last
     * one before, from the end of a window to the next window or the bucket's end, and from the
     * bucket's start to its first window when the one before is in an earlier bucket (or before the
     * range: {@code seed}). That is what the job's own coarse windows hold, so the rollup equals
     * them.
     */
    private static final String ROLLUP =
            "WITH params AS (SELECT ?::bigint AS bucket),"
                    + " in_range AS ("
                    + "  SELECT tag, count, good_count, uncertain_count, bad_count, sum, min, max, mean, m2,"
                    + "    first_ts, first_value, last_ts, last_value, twa_area, twa_span_ms, revision, worst_quality,"
                    + "    "
                    + String.format(EPOCH_MS, "window_start")
                    + " AS start_ms,"
                    + "    "
                    + String.format(EPOCH_MS, "window_end")
                    + " AS end_ms"
                    + "  FROM window_stats WHERE %s"
                    + RANGE
                    + "), seed AS ("
                    + "  SELECT t.tag, p.end_ms, p.last_value FROM (SELECT DISTINCT tag FROM in_range) t"
                    + "  CROSS JOIN LATERAL (SELECT "
                    + String.format(EPOCH_MS, "s.window_end")
                    + " AS end_ms, s.last_value"
                    + "    FROM window_stats s WHERE s.tag = t.tag AND s.window_ms = ? AND s.window_start < ?"
                    + "    ORDER BY s.window_start DESC LIMIT 1) p"
                    + "), windows AS ("
                    + "  SELECT w.*,"
                    + "    CASE worst_quality WHEN 'bad' THEN 2 WHEN 'uncertain' THEN 1 ELSE 0 END AS badness,"
                    + "    floor(w.start_ms::numeric / (SELECT bucket FROM params))::bigint * (SELECT bucket FROM params) AS bucket_start,"
                    + "    coalesce(lag(w.end_ms) OVER t, seed.end_ms) AS prev_end,"
                    + "    coalesce(lag(w.last_value) OVER t, seed.last_value) AS prev_last,"
                    + "    lead(w.start_ms) OVER t AS next_start"
                    + "  FROM in_range w LEFT JOIN seed ON seed.tag = w.tag"
                    + "  WINDOW t AS (PARTITION BY w.tag ORDER BY w.start_ms)"
                    + "), gaps AS ("
                    + "  SELECT windows.*,"
                    + "    greatest(0, least(coalesce(next_start, bucket_start + (SELECT bucket FROM params)),"
                    + "      bucket_start + (SELECT bucket FROM params)) - end_ms) AS trailing_ms,"
                    + "    CASE WHEN prev_end IS NULL OR prev_end > bucket_start THEN 0"
                    + "      ELSE start_ms - bucket_start END AS leading_ms"
                    + "  FROM windows"
                    + "), with_bucket_mean AS ("
                    + "  SELECT gaps.*,"
                    + "    sum(sum) OVER bucket / (sum(count) OVER bucket)::double precision AS bucket_mean"
                    + "  FROM gaps WINDOW bucket AS (PARTITION BY tag, bucket_start)"
                    + ")"
                    + " SELECT tag, bucket_start AS window_start_ms, bucket_start + (SELECT bucket FROM params) AS window_end_ms,"
                    + "  count(*) AS windows,"
                    + "  sum(count)::bigint AS count,"
                    + "  sum(good_count)::bigint AS good_count,"
                    + "  sum(uncertain_count)::bigint AS uncertain_count,"
                    + "  sum(bad_count)::bigint AS bad_count,"
                    + "  sum(sum) AS sum, min(min) AS min, max(max) AS max,"
                    + "  sum(sum) / sum(count)::double precision AS mean,"
                    // M2 = sum of m2_i + sum of count_i * (mean_i - mean)^2; population deviation
                    + "  sqrt((sum(m2) + sum(count * (mean - bucket_mean) * (mean - bucket_mean)))"
                    + "    / sum(count)::double precision) AS stddev,"
                    + "  (sum(twa_area) + sum(last_value * trailing_ms + coalesce(prev_last, 0) * leading_ms))"
                    + "    / (sum(twa_span_ms) + sum(trailing_ms + leading_ms))::double precision AS twa,"
                    + "  (array_agg(first_value ORDER BY first_ts))[1] AS first_value,"
                    + "  (array_agg(last_value ORDER BY last_ts DESC))[1] AS last_value,"
                    + "  (ARRAY['good', 'uncertain', 'bad'])[max(badness) + 1] AS worst_quality,"
                    + "  max(revision) AS revision"
                    + " FROM with_bucket_mean GROUP BY tag, bucket_start"
                    + " ORDER BY tag, bucket_start LIMIT ?";

    private final DataSource dataSource;

    /** Reads through the given pool (see {@link HistoryDataSource}). */
    public HistoryRepository(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
    }

    /** The rows of a query, at most its limit, ordered by tag and start. */
    public HistoryResult find(HistoryQuery query) throws SQLException {
        requireNonNull(query, "query");
        String tagCondition = query.tag() != null ? TAG_IS : TAG_UNDER;
        String sql = String.format(query.isRollup() ? ROLLUP : RAW, tagCondition);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            int i = 1;
            if (query.isRollup()) {
                statement.setLong(i++, query.bucketMs());
            }
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
            if (query.isRollup()) { // the seed: each tag's window before the range
                statement.setInt(i++, Math.toIntExact(query.windowMs()));
                statement.setObject(i++, timestamp(query.fromMs()));
            }
            statement.setInt(i, query.limit() + 1);
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
