package io.sluice.websocket.history;

/**
 * What the rows of a history answer are, besides raw windows or epoch-aligned buckets: calendar
 * buckets in a time zone, gap-filled buckets, plot values, or a data-quality report. Each is one of
 * the SQL functions of conf/sql/analytics.sql.
 *
 * @param tz the time zone of calendar buckets ({@code tz}), or null
 * @param months calendar months a bucket spans ({@code bucket=1mo}, with {@code tz}), or 0
 * @param fill how empty buckets are filled ({@code fill}: null, previous, linear), or null
 * @param points plot values of this many points at most ({@code points}), or 0
 * @param quality the data-quality report per tag ({@code quality=true})
 */
public record HistoryShape(String tz, int months, String fill, int points, boolean quality) {
    /** Raw windows, or buckets aligned to the epoch. */
    public static final HistoryShape PLAIN = new HistoryShape(null, 0, null, 0, false);
}
