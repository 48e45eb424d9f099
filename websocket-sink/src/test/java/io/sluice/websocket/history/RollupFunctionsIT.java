package io.sluice.websocket.history;

import io.sluice.local.EmbeddedPostgresServer;
import io.sluice.reading.Quality;
import io.sluice.testing.RollupVectors;
import io.sluice.testing.RollupVectors.Case;
import io.sluice.testing.RollupVectors.Merged;
import io.sluice.testing.StoredWindows;
import io.sluice.testing.WindowOracle;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL rollup function of conf/sql/rollups.sql, installed as the job installs it, called by the
 * history API's repository on a real PostgreSQL, against the rollup vectors, conf/samples/rollups/,
 * which the job's {@code WindowMath} meets too ({@code WindowMathVectorsTest}).
 */
class RollupFunctionsIT {
    @TempDir static Path dir;
    private static EmbeddedPostgresServer postgres;
    private static PGSimpleDataSource dataSource;

    @BeforeAll
    static void startPostgres() throws SQLException {
        postgres = new EmbeddedPostgresServer(dir.resolve("pg")).start();
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(postgres.jdbcUrl());
        dataSource.setUser(postgres.user());
        dataSource.setPassword(postgres.password());
        List<WindowOracle.Row> all = new ArrayList<>();
        for (Case c : RollupVectors.all()) {
            all.addAll(c.windows());
        }
        try (Connection connection = dataSource.getConnection()) {
            StoredWindows.store(connection, all);
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    static List<Case> cases() {
        return RollupVectors.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aTagsRollupIsTheExpectedBucket(Case c) throws SQLException {
        List<Map<String, Object>> buckets = rollup(c.name(), null, c);

        assertThat(buckets).as(c.name()).hasSize(1);
        assertThat(c.merged().differences(merged(buckets.get(0)))).as(c.name()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aPrefixRollupHoldsTheSameBucket(Case c) throws SQLException {
        // Each case is a one-segment tag: under it lies only itself.
        List<Map<String, Object>> buckets = rollup(null, c.name(), c);

        assertThat(buckets).as(c.name()).hasSize(1);
        assertThat(buckets.get(0).get("tag")).isEqualTo(c.name());
        assertThat(c.merged().differences(merged(buckets.get(0)))).as(c.name()).isEmpty();
    }

    /**
     * The function is inlined and the branch not taken drops out, so an exact tag's rollup is
     * planned as a query on {@code tag = ...}, which the primary key serves (here, on a table of a
     * few rows, the planner may take either index).
     */
    @Test
    void aTagsRollupIsPlannedAsTheQueryItHolds() throws SQLException {
        Case c = RollupVectors.all().get(0);
        List<String> plan = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement st =
                        connection.prepareStatement(
                                "EXPLAIN SELECT * FROM window_rollup(?, false, ?, ?, ?, ?)")) {
            Merged m = c.merged();
            st.setString(1, c.name());
            st.setInt(2, Math.toIntExact(c.windows().get(0).windowMs()));
            st.setObject(3, timestamp(m.start()));
            st.setObject(4, timestamp(m.start() + m.windowMs()));
            st.setLong(5, m.windowMs());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
        }
        String text = String.join("\n", plan);
        assertThat(text)
                .doesNotContain("Function Scan")
                .doesNotContain("CASE")
                .contains("tag = '" + c.name() + "'::text");
    }

    /** The bucket of the case, through the history API's repository. */
    private static List<Map<String, Object>> rollup(String tag, String prefix, Case c)
            throws SQLException {
        Merged m = c.merged();
        HistoryQuery query =
                new HistoryQuery(
                        tag,
                        prefix,
                        m.start(),
                        m.start() + m.windowMs(),
                        c.windows().get(0).windowMs(),
                        m.windowMs(),
                        HistoryFormat.JSON,
                        100,
                        HistoryShape.PLAIN);
        HistoryResult result = new HistoryRepository(dataSource).find(query);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < result.rows().size(); i++) {
            rows.add(result.row(i));
        }
        return rows;
    }

    private static Merged merged(Map<String, Object> r) {
        long start = (Long) r.get("window_start");
        return new Merged(
                start,
                (Long) r.get("window_end") - start,
                (Long) r.get("windows"),
                (Long) r.get("count"),
                (Long) r.get("good_count"),
                (Long) r.get("uncertain_count"),
                (Long) r.get("bad_count"),
                (Double) r.get("sum"),
                (Double) r.get("min"),
                (Double) r.get("max"),
                (Double) r.get("mean"),
                (Double) r.get("stddev"),
                (Double) r.get("twa"),
                (Double) r.get("first_value"),
                (Double) r.get("last_value"),
                Quality.ofWire((String) r.get("worst_quality")));
    }

    private static OffsetDateTime timestamp(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }
}
