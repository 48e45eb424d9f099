package io.sluice.bench;

import io.sluice.history.HistorySchema;
import io.sluice.local.EmbeddedPostgresServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 13's timing of the SQL analytics functions (conf/sql/analytics.sql) on an embedded
 * PostgreSQL, each beside a plain SELECT of the rows it reads, fetched by the client: a 1-day
 * rollup of 30 tags' 1 s windows into hours, and a 1,000-point decimation of one tag's 7 days of 1
 * s windows. The windows are generated in SQL (generate_series). Prints each run and the medians;
 * it asserts nothing. {@code bench/analytics-timing.sh [--rounds N]} (default 5).
 */
public final class AnalyticsTimingBench {
    private static final String DAY = "2026-11-01 00:00Z";
    private static final String INSERT =
            "INSERT INTO window_stats (tag, window_ms, window_start, window_end, count, good_count,"
                    + " uncertain_count, bad_count, sum, min, max, first_ts, first_value, last_ts,"
                    + " last_value, mean, m2, stddev, twa, twa_area, twa_span_ms, worst_quality,"
                    + " revision)"
                    + " SELECT tag, 1000, ts, ts + interval '1 second', 2, 2, 0, 0, 2 * v + 1, v,"
                    + " v + 1, ts, v, ts + interval '500 milliseconds', v + 1, v + 0.5, 0.5, 0.5,"
                    + " v + 0.5, (v + 0.5) * 1000, 1000, 'good', 0 FROM ";

    private AnalyticsTimingBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            }
        }
        Path dir = Files.createTempDirectory("analytics-timing");
        try (EmbeddedPostgresServer postgres =
                        new EmbeddedPostgresServer(dir.resolve("pg")).start();
                Connection c =
                        DriverManager.getConnection(
                                postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            HistorySchema.apply(c);
            long t0 = System.nanoTime();
            try (Statement st = c.createStatement()) {
                st.execute(
                        INSERT
                                + "(SELECT 'day.t' || lpad(t::text, 2, '0') AS tag, ts,"
                                + " 100 + 10 * sin(extract(epoch FROM ts)::double precision / 600 + t) AS v"
                                + " FROM generate_series(1, 30) t, generate_series(timestamptz '"
                                + DAY
                                + "', timestamptz '"
                                + DAY
                                + "' + interval '86399 seconds', interval '1 second') ts) x");
                st.execute(
                        INSERT
                                + "(SELECT 'week.t' AS tag, ts,"
                                + " 100 + 10 * sin(extract(epoch FROM ts)::double precision / 600) AS v"
                                + " FROM generate_series(timestamptz '"
                                + DAY
                                + "', timestamptz '"
                                + DAY
                                + "' + interval '604799 seconds', interval '1 second') ts) x");
                st.execute("ANALYZE window_stats");
            }
            System.out.printf(
                    "generated 30 x 86,400 + 604,800 windows in SQL in %,d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            c.setAutoCommit(false); // so that the plain SELECTs stream with a fetch size
            String dayEnd = "timestamptz '" + DAY + "' + interval '1 day'";
            String weekEnd = "timestamptz '" + DAY + "' + interval '7 days'";
            List<Timed> timed =
                    List.of(
                            new Timed(
                                    "rollup   30 tags x 1 day of 1 s windows into hours"
                                            + " (window_rollup)",
                                    "SELECT * FROM window_rollup('day', true, 1000, '"
                                            + DAY
                                            + "', "
                                            + dayEnd
                                            + ", 3600000)"),
                            new Timed(
                                    "select   the same 2,592,000 windows, plain SELECT",
                                    "SELECT * FROM window_stats WHERE tag >= 'day' AND tag < 'day/'"
                                            + " AND window_ms = 1000 AND window_start >= '"
                                            + DAY
                                            + "' AND window_start < "
                                            + dayEnd),
                            new Timed(
                                    "decimate 1 tag x 7 days of 1 s windows to 1,000 points"
                                            + " (window_decimate)",
                                    "SELECT * FROM window_decimate('week.t', 1000, '"
                                            + DAY
                                            + "', "
                                            + weekEnd
                                            + ", 1000)"),
                            new Timed(
                                    "select   the same 604,800 windows, plain SELECT",
                                    "SELECT * FROM window_stats WHERE tag = 'week.t'"
                                            + " AND window_ms = 1000 AND window_start >= '"
                                            + DAY
                                            + "' AND window_start < "
                                            + weekEnd));
            for (Timed t : timed) {
                t.run(c); // warm-up, untimed
            }
            for (int r = 0; r < rounds; r++) {
                for (Timed t : timed) {
                    t.times.add(t.run(c));
                }
            }
            for (Timed t : timed) {
                System.out.printf(
                        "%-78s median %,7d ms  rows %,9d  runs %s%n",
                        t.name, t.median(), t.rows, Arrays.toString(t.times.toArray()));
            }
            // Each function against the plain SELECT of the rows it reads, as a ratio of medians.
            for (int i = 0; i < timed.size(); i += 2) {
                Timed function = timed.get(i);
                Timed select = timed.get(i + 1);
                System.out.printf(
                        "ratio    %s / plain SELECT  %.2f  (%,d rows instead of %,d)%n",
                        function.name.split(" ")[0],
                        function.median() / (double) select.median(),
                        function.rows,
                        select.rows);
            }
        }
    }

    /** One query, its rows and its times in milliseconds. */
    private static final class Timed {
        final String name;
        final String sql;

        long median() {
            long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
            return sorted[sorted.length / 2];
        }

        final List<Long> times = new ArrayList<>();
        long rows;

        Timed(String name, String sql) {
            this.name = name;
            this.sql = sql;
        }

        /** Runs the query, reads every row (one column of it), and returns the time taken. */
        long run(Connection c) throws SQLException {
            long start = System.nanoTime();
            long n = 0;
            double sink = 0;
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        sink += rs.getDouble("max");
                        n++;
                    }
                }
            }
            c.commit();
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (Double.isNaN(sink)) {
                throw new IllegalStateException("NaN");
            }
            rows = n;
            return ms;
        }
    }
}
