package io.sluice.websocket.history;

import io.sluice.local.EmbeddedPostgresServer;
import io.sluice.reading.Quality;
import io.sluice.reading.Reading;
import io.sluice.testing.StoredWindows;
import io.sluice.testing.WindowOracle;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The SQL functions of conf/sql/analytics.sql against the oracle: deterministic raw readings (with
 * gaps, an uncertain and a bad stretch) are turned into stored windows by {@link WindowOracle},
 * stored as the job stores them, and every figure the functions give is compared with the same
 * statistic computed here straight from the raw readings: counts, extremes, first and last exactly,
 * the rest within 1e-9 relative.
 */
class AnalyticsFunctionsIT {
    private static final double TOLERANCE = 1e-9;

    /** 1 s windows, 2026-11-26 09:58Z to 12:00Z; no data 10:20:00-10:27:30. */
    private static final String FLOW = "plant.a.flow";

    /** 1 s windows, a few readings, all good: the prefix plant.a holds two tags. */
    private static final String LEVEL = "plant.a.level";

    /** 1 min windows, 2026-03-27 to 2026-03-31, across Berlin's DST change on 2026-03-29. */
    private static final String TEMP = "plant.b.temp";

    private static final long GAP_START = ms("2026-11-26T10:20:00Z");
    private static final long GAP_END = ms("2026-11-26T10:27:30Z");

    @TempDir static Path dir;
    private static EmbeddedPostgresServer postgres;
    private static Connection connection;
    private static final Map<String, List<Reading>> readings = new HashMap<>();
    private static final Map<String, Integer> checks = new TreeMap<>();

    @BeforeAll
    static void store() throws SQLException {
        postgres = new EmbeddedPostgresServer(dir.resolve("pg")).start();
        connection =
                DriverManager.getConnection(
                        postgres.jdbcUrl(), postgres.user(), postgres.password());
        try (Statement st = connection.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
        }
        Random random = new Random(13);
        List<Reading> flow = new ArrayList<>();
        for (long ts = ms("2026-11-26T09:58:00Z"); ts < ms("2026-11-26T12:00:00Z"); ) {
            if (ts < GAP_START || ts >= GAP_END) {
                Quality q = Quality.GOOD;
                if (ts >= ms("2026-11-26T10:40:00Z") && ts < ms("2026-11-26T10:45:00Z")) {
                    q = Quality.UNCERTAIN;
                } else if (ts >= ms("2026-11-26T10:50:00Z")
                        && ts < ms("2026-11-26T10:52:00Z")
                        && ts % 3 == 0) {
                    q = Quality.BAD;
                }
                double v = 1000 + 10 * Math.sin(ts / 60000.0) + random.nextGaussian();
                flow.add(new Reading(FLOW, ts, v, q));
            }
            ts += 200 + random.nextInt(1300);
        }
        List<Reading> level = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            level.add(
                    new Reading(
                            LEVEL, ms("2026-11-26T10:00:00Z") + i * 7001L, i * 0.5, Quality.GOOD));
        }
        List<Reading> temp = new ArrayList<>();
        for (long ts = ms("2026-03-27T00:00:00Z"); ts < ms("2026-03-31T00:00:00Z"); ) {
            boolean gap =
                    ts >= ms("2026-03-27T16:30:00Z") && ts < ms("2026-03-27T18:00:00Z")
                            || ts >= ms("2026-03-28T22:00:00Z") && ts < ms("2026-03-29T01:30:00Z");
            if (!gap) {
                Quality q = ts % 17 == 0 ? Quality.UNCERTAIN : Quality.GOOD;
                temp.add(new Reading(TEMP, ts, 20 + 5 * random.nextDouble(), q));
            }
            ts += 20_000 + random.nextInt(80_000);
        }
        readings.put(FLOW, flow);
        readings.put(LEVEL, level);
        readings.put(TEMP, temp);
        List<WindowOracle.Row> rows = new ArrayList<>();
        List<Reading> second = new ArrayList<>(flow);
        second.addAll(level);
        rows.addAll(WindowOracle.windows(second, 1000, start -> 0));
        rows.addAll(WindowOracle.windows(temp, 60_000, start -> 0));
        StoredWindows.store(connection, rows);
        try (Statement st = connection.createStatement()) {
            // reading_faults as schema.sql will hold it (the other branch adds it there).
            st.execute(
                    "CREATE TABLE IF NOT EXISTS reading_faults ("
                            + " source text COLLATE \"C\" NOT NULL, minute timestamptz NOT NULL,"
                            + " late_count bigint NOT NULL, dead_letter_count bigint NOT NULL,"
                            + " PRIMARY KEY (source, minute))");
            st.execute(
                    "INSERT INTO reading_faults VALUES"
                            + " ('plant.a.flow', '2026-11-26 10:05Z', 3, 1),"
                            + " ('plant.a.flow', '2026-11-26 10:06Z', 2, 0),"
                            + " ('plant.a.flow', '2026-11-26 09:00Z', 100, 100),"
                            + " ('plant.a.level', '2026-11-26 10:01Z', 0, 4),"
                            + " ('reason:UNPARSEABLE', '2026-11-26 10:05Z', 0, 7)");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        int total = checks.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println(
                "AnalyticsFunctionsIT oracle test counts: " + checks + ", total " + total);
        connection.close();
        postgres.close();
    }

    // ---------------------------------------------------------------- rollups

    @Test
    void anHourRollupEqualsTheRawReadings() throws SQLException {
        long from = ms("2026-11-26T10:00:00Z");
        long to = ms("2026-11-26T12:00:00Z");
        List<Map<String, Object>> rows =
                query(
                        "SELECT * FROM window_rollup_good(?, false, 1000, ?, ?, 3600000)",
                        FLOW,
                        ts(from),
                        ts(to));
        assertThat(rows).hasSize(2);
        for (int i = 0; i < 2; i++) {
            long b = from + i * 3_600_000L;
            compare("rollup 1 h", rows.get(i), oracle(FLOW, 1000, b, b + 3_600_000L));
        }
        // window_rollup, the history API's, gives the same buckets.
        List<Map<String, Object>> plain =
                query(
                        "SELECT * FROM window_rollup(?, false, 1000, ?, ?, 3600000)"
                                + " ORDER BY window_start",
                        FLOW,
                        ts(from),
                        ts(to));
        for (int i = 0; i < 2; i++) {
            long b = from + i * 3_600_000L;
            compare("rollup 1 h", plain.get(i), oracle(FLOW, 1000, b, b + 3_600_000L));
        }
    }

    @Test
    void aRangeThatStartsInAGapHoldsTheValueBeforeIt() throws SQLException {
        long from = ms("2026-11-26T10:22:00Z");
        long to = ms("2026-11-26T10:40:00Z");
        List<Map<String, Object>> rows =
                query(
                        "SELECT * FROM window_rollup_good(?, false, 1000, ?, ?, 60000)",
                        FLOW,
                        ts(from),
                        ts(to));
        // 10:22 to 10:27 have no data; the first bucket is 10:27, which starts in the gap.
        assertThat(rows).hasSize(13);
        for (Map<String, Object> row : rows) {
            long b = ((OffsetDateTime) row.get("window_start")).toInstant().toEpochMilli();
            compare("range starting in a gap", row, oracle(FLOW, 1000, b, b + 60_000));
        }
        // Two-minute buckets: the first, 10:22-10:24, lies wholly in the gap (no row).
        List<Map<String, Object>> two =
                query(
                        "SELECT * FROM window_rollup_good(?, false, 1000, ?, ?, 120000)",
                        FLOW,
                        ts(from),
                        ts(to));
        assertThat(two).hasSize(7);
        for (Map<String, Object> row : two) {
            long b = millis(row.get("window_start"));
            compare("range starting in a gap", row, oracle(FLOW, 1000, b, b + 120_000));
        }
    }

    @Test
    void aLocalDayInJakartaAndADstDayInBerlin() throws SQLException {
        for (String zone : List.of("Asia/Jakarta", "Europe/Berlin")) {
            ZoneId z = ZoneId.of(zone);
            LocalDate first = LocalDate.parse("2026-03-27");
            long from = first.atStartOfDay(z).toInstant().toEpochMilli();
            long to = first.plusDays(4).atStartOfDay(z).toInstant().toEpochMilli();
            List<Map<String, Object>> rows =
                    query(
                            "SELECT * FROM window_rollup_calendar(?, false, 60000, ?, ?, '1 day', ?)",
                            TEMP,
                            ts(from),
                            ts(to),
                            zone);
            assertThat(rows).as(zone).hasSize(4);
            for (int i = 0; i < 4; i++) {
                long b = first.plusDays(i).atStartOfDay(z).toInstant().toEpochMilli();
                long e = first.plusDays(i + 1).atStartOfDay(z).toInstant().toEpochMilli();
                compare("calendar day " + zone, rows.get(i), oracle(TEMP, 60_000, b, e));
            }
            // One day on its own: the same bucket, from a range that starts in a gap.
            LocalDate day =
                    LocalDate.parse(zone.equals("Europe/Berlin") ? "2026-03-29" : "2026-03-28");
            long b = day.atStartOfDay(z).toInstant().toEpochMilli();
            long e = day.plusDays(1).atStartOfDay(z).toInstant().toEpochMilli();
            List<Map<String, Object>> one =
                    query(
                            "SELECT * FROM window_rollup_calendar(?, false, 60000, ?, ?, '1 day', ?)",
                            TEMP,
                            ts(b),
                            ts(e),
                            zone);
            assertThat(one).hasSize(1);
            assertThat(
                            readings.get(TEMP).stream()
                                    .noneMatch(r -> r.ts >= b && r.ts < b + 1_800_000))
                    .as("the day starts in a gap")
                    .isTrue();
            compare("calendar day " + zone, one.get(0), oracle(TEMP, 60_000, b, e));
            if (zone.equals("Europe/Berlin")) {
                exact("calendar day " + zone, "day length", 23 * 3_600_000L, e - b);
            }
        }
    }

    @Test
    void percentGoodByCountAndTimeAndTheThreshold() throws SQLException {
        long from = ms("2026-11-26T10:00:00Z");
        long to = ms("2026-11-26T11:00:00Z");
        long bucket = 300_000;
        List<Map<String, Object>> rows =
                query(
                        "SELECT * FROM window_rollup_good(?, false, 1000, ?, ?, ?, 90)",
                        FLOW,
                        ts(from),
                        ts(to),
                        bucket);
        int below = 0;
        for (Map<String, Object> row : rows) {
            long b = ((OffsetDateTime) row.get("window_start")).toInstant().toEpochMilli();
            Oracle o = oracle(FLOW, 1000, b, b + bucket);
            close(
                    "percent good",
                    "percent_good_count",
                    o.percentGoodCount,
                    num(row, "percent_good_count"));
            close(
                    "percent good",
                    "percent_good_time",
                    o.percentGoodTime,
                    num(row, "percent_good_time"));
            boolean expectBelow = o.percentGoodTime < 90;
            exact("percent good", "below_min_good", expectBelow, row.get("below_min_good"));
            if (expectBelow) {
                below++;
                for (String c :
                        List.of(
                                "sum",
                                "min",
                                "max",
                                "mean",
                                "stddev",
                                "twa",
                                "first_value",
                                "last_value")) {
                    exact("percent good", c + " NULL", null, row.get(c));
                }
                exact("percent good", "count", o.count, ((Number) row.get("count")).longValue());
            } else {
                compare("percent good", row, o);
            }
        }
        // The uncertain (10:40-10:45) and the bad (10:50-10:52) stretch; the gap 10:20-10:27:30 is
        // held by the good value before it, as in the time-weighted average.
        assertThat(below).isEqualTo(2);
    }

    // ---------------------------------------------------------------- gap filling

    @Test
    void gapFillingByEachMode() throws SQLException {
        long bucket = 60_000;
        // Starts in the gap (the value before the range fills it), and ends in it (the one after).
        long[][] ranges = {
            {ms("2026-11-26T10:21:00Z"), ms("2026-11-26T10:35:00Z")},
            {ms("2026-11-26T10:15:00Z"), ms("2026-11-26T10:25:00Z")}
        };
        for (long[] range : ranges) {
            TreeMap<Long, double[]> data = new TreeMap<>();
            // Bucket values from the raw readings, a bucket beyond each end of the range too.
            for (long b = range[0] - 10 * bucket; b < range[1] + 10 * bucket; b += bucket) {
                Oracle o = oracle(FLOW, 1000, b, b + bucket);
                if (o.count > 0) {
                    data.put(b, new double[] {o.mean, o.twa});
                }
            }
            for (String fill : List.of("null", "previous", "linear")) {
                List<Map<String, Object>> rows =
                        query(
                                "SELECT * FROM window_gapfill(?, 1000, ?, ?, ?, ?)",
                                FLOW,
                                ts(range[0]),
                                ts(range[1]),
                                bucket,
                                fill);
                String what = "gap fill " + fill;
                exact(what, "buckets", (range[1] - range[0]) / bucket, (long) rows.size());
                for (Map<String, Object> row : rows) {
                    long b = ((OffsetDateTime) row.get("window_start")).toInstant().toEpochMilli();
                    double[] expected = new double[2];
                    boolean filled = false;
                    if (data.containsKey(b)) {
                        expected = data.get(b);
                    } else if (fill.equals("null")) {
                        expected = null;
                    } else if (fill.equals("previous")) {
                        Map.Entry<Long, double[]> p = data.lowerEntry(b);
                        expected = p == null ? null : p.getValue();
                        filled = p != null;
                    } else {
                        Map.Entry<Long, double[]> p = data.lowerEntry(b);
                        Map.Entry<Long, double[]> n = data.higherEntry(b);
                        if (p == null || n == null) {
                            expected = null;
                        } else {
                            double f = (double) (b - p.getKey()) / (n.getKey() - p.getKey());
                            for (int k = 0; k < 2; k++) {
                                expected[k] =
                                        p.getValue()[k] + (n.getValue()[k] - p.getValue()[k]) * f;
                            }
                            filled = true;
                        }
                    }
                    exact(what, "filled", filled, row.get("filled"));
                    if (expected == null) {
                        exact(what, "mean NULL", null, row.get("mean"));
                        exact(what, "twa NULL", null, row.get("twa"));
                    } else {
                        close(what, "mean", expected[0], num(row, "mean"));
                        close(what, "twa", expected[1], num(row, "twa"));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- decimation

    @Test
    void decimationGivesTheReadingsExtremesFirstAndLast() throws SQLException {
        long from = ms("2026-11-26T10:00:00Z");
        long to = ms("2026-11-26T12:00:00Z");
        for (int points : new int[] {100, 7, 1}) {
            List<Map<String, Object>> rows =
                    query(
                            "SELECT * FROM window_decimate(?, 1000, ?, ?, ?)",
                            FLOW,
                            ts(from),
                            ts(to),
                            points);
            assertThat(rows.size()).isLessThanOrEqualTo(points);
            long bucket = ((to - from) + points - 1) / points;
            bucket = (bucket + 999) / 1000 * 1000;
            long expectedRows = 0;
            for (long b = from; b < to; b += bucket) {
                if (oracle(FLOW, 1000, b, Math.min(b + bucket, to)).count > 0) {
                    expectedRows++;
                }
            }
            exact("decimation", "rows", expectedRows, (long) rows.size());
            for (Map<String, Object> row : rows) {
                long b = ((OffsetDateTime) row.get("window_start")).toInstant().toEpochMilli();
                exact("decimation", "bucket", 0L, (b - from) % bucket);
                Oracle o = oracle(FLOW, 1000, b, Math.min(b + bucket, to));
                exact("decimation", "count", o.count, ((Number) row.get("count")).longValue());
                exact("decimation", "first_value", o.first, num(row, "first_value"));
                exact("decimation", "last_value", o.last, num(row, "last_value"));
                exact("decimation", "min", o.min, num(row, "min"));
                exact("decimation", "max", o.max, num(row, "max"));
            }
        }
    }

    // ---------------------------------------------------------------- data quality

    @Test
    void gapsLongerThanTheThreshold() throws SQLException {
        long from = ms("2026-11-26T10:21:00Z");
        long to = ms("2026-11-26T11:00:00Z");
        for (long minGap : new long[] {2_000, 5_000, 60_000}) {
            List<Map<String, Object>> rows =
                    query(
                            "SELECT * FROM window_gaps(?, 1000, ?, ?, ? * interval '1 millisecond')",
                            FLOW,
                            ts(from),
                            ts(to),
                            minGap);
            List<long[]> expected = gaps(FLOW, 1000, from, to, minGap);
            exact("gaps", "gaps", (long) expected.size(), (long) rows.size());
            for (int i = 0; i < expected.size(); i++) {
                Map<String, Object> row = rows.get(i);
                exact("gaps", "gap_start", expected.get(i)[0], millis(row.get("gap_start")));
                exact("gaps", "gap_end", expected.get(i)[1], millis(row.get("gap_end")));
                exact(
                        "gaps",
                        "gap_ms",
                        expected.get(i)[1] - expected.get(i)[0],
                        ((Number) row.get("gap_ms")).longValue());
            }
            if (minGap == 60_000) {
                // The range starts in the gap 10:20:00-10:27:30: its first stretch.
                assertThat(expected.get(0)).containsExactly(from, GAP_END);
            }
        }
    }

    @Test
    void qualityPerTag() throws SQLException {
        long from = ms("2026-11-26T10:00:00Z");
        long to = ms("2026-11-26T11:00:00Z");
        List<Map<String, Object>> rows =
                query(
                        "SELECT * FROM window_quality('plant.a', true, 1000, ?, ?, interval '30 seconds')",
                        ts(from),
                        ts(to));
        assertThat(rows).extracting(r -> r.get("tag")).containsExactly(FLOW, LEVEL);
        long[][] faults = {{5, 1}, {0, 4}};
        for (int i = 0; i < 2; i++) {
            Map<String, Object> row = rows.get(i);
            String tag = (String) row.get("tag");
            Oracle o = oracle(tag, 1000, from, to);
            String what = "quality";
            exact(what, "count", o.count, lng(row, "count"));
            exact(what, "good_count", o.good, lng(row, "good_count"));
            exact(what, "uncertain_count", o.uncertain, lng(row, "uncertain_count"));
            exact(what, "bad_count", o.bad, lng(row, "bad_count"));
            exact(what, "windows", o.windows, lng(row, "windows"));
            close(what, "percent_good", o.percentGoodCount, num(row, "percent_good"));
            close(
                    what,
                    "percent_uncertain",
                    100.0 * o.uncertain / o.count,
                    num(row, "percent_uncertain"));
            close(what, "percent_bad", 100.0 * o.bad / o.count, num(row, "percent_bad"));
            close(what, "percent_good_time", o.percentGoodTime, num(row, "percent_good_time"));
            List<long[]> gaps = gaps(tag, 1000, from, to, 30_000);
            exact(what, "gaps", (long) gaps.size(), lng(row, "gaps"));
            exact(
                    what,
                    "gap_ms",
                    gaps.stream().mapToLong(g -> g[1] - g[0]).sum(),
                    lng(row, "gap_ms"));
            exact(what, "late_readings", faults[i][0], lng(row, "late_readings"));
            exact(what, "dead_letters", faults[i][1], lng(row, "dead_letters"));
        }
        assertThat(o(FLOW, from, to).bad).isPositive();
        assertThat(o(FLOW, from, to).uncertain).isPositive();
        // One tag: the same row.
        List<Map<String, Object>> one =
                query(
                        "SELECT * FROM window_quality(?, false, 1000, ?, ?, interval '30 seconds')",
                        FLOW,
                        ts(from),
                        ts(to));
        assertThat(one).containsExactly(rows.get(0));
        count("quality");
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badInputGivesOneLine() throws SQLException {
        String r = "'2026-11-26 10:00Z', '2026-11-26 11:00Z'";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(
                "SELECT * FROM window_decimate('plant.a.flow', 1000, " + r + ", 0)",
                "window_decimate: points must be 1 to 100000, not 0");
        cases.put(
                "SELECT * FROM window_decimate('x', 1000, " + r + ", 10)",
                "window_decimate: unknown tag 'x' (no stored window of 1000 ms)");
        cases.put(
                "SELECT * FROM window_rollup_good('plant.a.flow', false, 60000, " + r + ", 60000)",
                "window_rollup_good: unknown tag 'plant.a.flow' (no stored window of 60000 ms)");
        cases.put(
                "SELECT * FROM window_quality('plant.z', true, 1000, " + r + ")",
                "window_quality: unknown prefix 'plant.z': no tag under it has a stored window of 1000 ms");
        cases.put(
                "SELECT * FROM window_gapfill('x'' OR 1=1 --', 1000, " + r + ", 60000, 'null')",
                "window_gapfill: unknown tag 'x'' OR 1=1 --' (no stored window of 1000 ms)");
        cases.put(
                "SELECT * FROM window_gaps('plant.a.flow', 1000, '2026-11-26 11:00Z', '2026-11-26 10:00Z', '1 minute')",
                "window_gaps: empty range: range_end (2026-11-26 10:00:00+00) must be after range_start (2026-11-26 11:00:00+00)");
        cases.put(
                "SELECT * FROM window_rollup_good('plant.a.flow', false, 1000, '2026-11-26 10:00Z', '2026-11-26 10:00Z', 60000)",
                "window_rollup_good: empty range: range_end (2026-11-26 10:00:00+00) must be after range_start (2026-11-26 10:00:00+00)");
        cases.put(
                "SELECT * FROM window_rollup_good('plant.a.flow', false, 1000, '2026-01-01Z', '2026-12-01Z', 60000)",
                "window_rollup_good: range too large: 480960 buckets of 60000 ms, at most 100000");
        cases.put(
                "SELECT * FROM window_gaps('plant.a.flow', 1000, '2020-01-01Z', '2026-01-01Z', '1 minute')",
                "window_gaps: range too large: 189388800 windows of 1000 ms, at most 100000000");
        cases.put(
                "SELECT * FROM window_rollup_calendar('plant.b.temp', false, 60000, "
                        + r
                        + ", '1 day', 'Mars/Olympus')",
                "window_rollup_calendar: unknown time zone 'Mars/Olympus'");
        cases.put(
                "SELECT * FROM window_rollup_calendar('plant.b.temp', false, 60000, '2020-01-01Z', '2026-01-01Z', '1 minute', 'UTC')",
                "window_rollup_calendar: range too large: more than 100000 buckets of 00:01:00");
        cases.put(
                "SELECT * FROM window_rollup_calendar('plant.b.temp', false, 60000, "
                        + r
                        + ", '1 month 2 days', 'UTC')",
                "window_rollup_calendar: bucket must be a positive interval of months, or of days and time, not 1 mon 2 days");
        cases.put(
                "SELECT * FROM window_rollup_good('plant.a.flow', false, 1000, " + r + ", 1500)",
                "window_rollup_good: bucket_ms must be a positive whole multiple of the window size 1000 ms, not 1500");
        cases.put(
                "SELECT * FROM window_rollup_good('plant.a.flow', false, 1000, "
                        + r
                        + ", 60000, 101)",
                "window_rollup_good: min_percent_good must be 0 to 100 (or NULL for none), not 101");
        cases.put(
                "SELECT * FROM window_gapfill('plant.a.flow', 1000, " + r + ", 60000, 'cubic')",
                "window_gapfill: fill must be 'null', 'previous' or 'linear', not 'cubic'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            try (Statement st = connection.createStatement()) {
                st.executeQuery(c.getKey()).close();
                fail("no error from " + c.getKey());
            } catch (PSQLException e) {
                String message = e.getServerErrorMessage().getMessage();
                exact("bad input", c.getKey(), c.getValue(), message);
                assertThat(message).doesNotContain("\n");
            }
        }
    }

    // ---------------------------------------------------------------- the oracle

    /** Statistics of the readings of [b, e), as a rollup bucket holds them. */
    private record Oracle(
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
            double first,
            double last,
            double percentGoodCount,
            double percentGoodTime) {}

    private static Oracle o(String tag, long b, long e) {
        return oracle(tag, 1000, b, e);
    }

    /**
     * From the raw readings: a window is good when all its readings are; it holds from its start to
     * the next window's or the bucket's end; the window before the bucket holds from its start.
     */
    private static Oracle oracle(String tag, long windowMs, long b, long e) {
        List<Reading> all = readings.get(tag);
        Reading previous = null;
        List<Reading> in = new ArrayList<>();
        for (Reading r : all) {
            if (r.ts < b) {
                previous = r;
            } else if (r.ts < e) {
                in.add(r);
            }
        }
        if (in.isEmpty()) {
            return new Oracle(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        long good = 0;
        long uncertain = 0;
        long bad = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Reading r : in) {
            sum += r.value;
            min = Math.min(min, r.value);
            max = Math.max(max, r.value);
            switch (r.quality) {
                case GOOD -> good++;
                case UNCERTAIN -> uncertain++;
                default -> bad++;
            }
        }
        double mean = sum / in.size();
        double squares = 0;
        for (Reading r : in) {
            squares += (r.value - mean) * (r.value - mean);
        }
        long t = previous == null ? in.get(0).ts : b;
        long t0 = t;
        double held = previous == null ? in.get(0).value : previous.value;
        double area = 0;
        for (Reading r : in) {
            area += held * (r.ts - t);
            t = r.ts;
            held = r.value;
        }
        area += held * (e - t);
        // Windows: start -> all good?
        TreeMap<Long, Boolean> windows = new TreeMap<>();
        for (Reading r : all) {
            long w = Math.floorDiv(r.ts, windowMs) * windowMs;
            if (w < e) {
                windows.merge(w, r.quality == Quality.GOOD, Boolean::logicalAnd);
            }
        }
        long goodMs = 0;
        Map.Entry<Long, Boolean> before = windows.lowerEntry(b);
        Long firstInside = windows.ceilingKey(b);
        if (before != null && before.getValue()) {
            goodMs += firstInside - b;
        }
        for (Map.Entry<Long, Boolean> w : windows.tailMap(b, true).entrySet()) {
            Long next = windows.higherKey(w.getKey());
            long end = next == null ? e : Math.min(next, e);
            if (w.getValue()) {
                goodMs += end - w.getKey();
            }
        }
        return new Oracle(
                windows.tailMap(b, true).size(),
                in.size(),
                good,
                uncertain,
                bad,
                sum,
                min,
                max,
                mean,
                Math.sqrt(squares / in.size()),
                area / (e - t0),
                in.get(0).value,
                in.get(in.size() - 1).value,
                100.0 * good / in.size(),
                100.0 * goodMs / (e - b));
    }

    /** Stretches of [from, to) no window covers, longer than minGap. */
    private static List<long[]> gaps(String tag, long windowMs, long from, long to, long minGap) {
        TreeSet<Long> windows = new TreeSet<>();
        for (Reading r : readings.get(tag)) {
            windows.add(Math.floorDiv(r.ts, windowMs) * windowMs);
        }
        List<long[]> out = new ArrayList<>();
        long covered = from;
        for (long w : windows) {
            if (w + windowMs <= from) {
                continue;
            }
            if (w >= to) {
                break;
            }
            if (w - covered > minGap) {
                out.add(new long[] {covered, w});
            }
            covered = Math.max(covered, w + windowMs);
        }
        if (to - covered > minGap) {
            out.add(new long[] {covered, to});
        }
        return out;
    }

    private static void compare(String what, Map<String, Object> row, Oracle o) {
        long b = millis(row.get("window_start"));
        exact(what, "windows @" + b, o.windows, lng(row, "windows"));
        exact(what, "count", o.count, lng(row, "count"));
        exact(what, "good_count", o.good, lng(row, "good_count"));
        exact(what, "uncertain_count", o.uncertain, lng(row, "uncertain_count"));
        exact(what, "bad_count", o.bad, lng(row, "bad_count"));
        exact(what, "min", o.min, num(row, "min"));
        exact(what, "max", o.max, num(row, "max"));
        exact(what, "first_value", o.first, num(row, "first_value"));
        exact(what, "last_value", o.last, num(row, "last_value"));
        close(what, "sum", o.sum, num(row, "sum"));
        close(what, "mean", o.mean, num(row, "mean"));
        close(what, "stddev", o.stddev, num(row, "stddev"));
        close(what, "twa", o.twa, num(row, "twa"));
        if (row.containsKey("percent_good_count")) {
            close(what, "percent_good_count", o.percentGoodCount, num(row, "percent_good_count"));
            close(what, "percent_good_time", o.percentGoodTime, num(row, "percent_good_time"));
        }
    }

    private static void exact(String what, String field, Object expected, Object actual) {
        assertThat(actual).as(what + ": " + field).isEqualTo(expected);
        count(what);
    }

    private static void close(String what, String field, double expected, double actual) {
        double scale = Math.max(1.0, Math.abs(expected));
        assertThat(Math.abs(actual - expected))
                .as(what + ": " + field + " " + actual + " vs " + expected)
                .isLessThanOrEqualTo(TOLERANCE * scale);
        count(what);
    }

    private static synchronized void count(String what) {
        String key =
                what.replaceAll(" (Asia|Europe)/.*", "").replaceAll(" (null|previous|linear)$", "");
        checks.merge(key, 1, Integer::sum);
    }

    private static double num(Map<String, Object> row, String column) {
        Object v = row.get(column);
        assertThat(v).as(column).isNotNull();
        return ((Number) v).doubleValue();
    }

    private static long lng(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    private static long millis(Object timestamp) {
        return ((OffsetDateTime) timestamp).toInstant().toEpochMilli();
    }

    private static List<Map<String, Object>> query(String sql, Object... args) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= md.getColumnCount(); c++) {
                        Object v = rs.getObject(c);
                        if (md.getColumnTypeName(c).equals("timestamptz")) {
                            v = rs.getObject(c, OffsetDateTime.class);
                        }
                        row.put(md.getColumnLabel(c), v);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    private static OffsetDateTime ts(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
