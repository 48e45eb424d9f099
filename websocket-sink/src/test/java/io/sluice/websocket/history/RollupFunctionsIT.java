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

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL functions of conf/sql/rollups.sql, installed as the job installs them, on a real
 * PostgreSQL against the rollup vectors, conf/samples/rollups/, which the job's {@code WindowMath}
 * meets too ({@code WindowMathVectorsTest}).
 */
class RollupFunctionsIT {
    @TempDir static Path dir;
    private static EmbeddedPostgresServer postgres;
    private static Connection connection;

    @BeforeAll
    static void startPostgres() throws SQLException {
        postgres = new EmbeddedPostgresServer(dir.resolve("pg")).start();
        connection =
                DriverManager.getConnection(
                        postgres.jdbcUrl(), postgres.user(), postgres.password());
        List<WindowOracle.Row> all = new ArrayList<>();
        for (Case c : RollupVectors.all()) {
            all.addAll(c.windows());
        }
        StoredWindows.store(connection, all);
    }

    @AfterAll
    static void stop() throws SQLException {
        connection.close();
        postgres.close();
    }

    static List<Case> cases() {
        return RollupVectors.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aTagsRollupIsTheExpectedBucket(Case c) throws SQLException {
        List<Merged> buckets = rollup("window_rollup", c.name(), c);

        assertThat(buckets).as(c.name()).hasSize(1);
        assertThat(c.merged().differences(buckets.get(0))).as(c.name()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aPrefixRollupHoldsTheSameBucket(Case c) throws SQLException {
        // Each case is a one-segment tag: under it lies only itself.
        List<Merged> buckets = rollup("window_rollup_under", c.name(), c);

        assertThat(buckets).as(c.name()).hasSize(1);
        assertThat(c.merged().differences(buckets.get(0))).as(c.name()).isEmpty();
    }

    /**
     * The functions are inlined and the branch not taken drops out, so an exact tag's rollup is
     * planned as a query on {@code tag = ...}, which the primary key serves (here, on a table of a
     * few rows, the planner may take either index).
     */
    @Test
    void aTagsRollupIsPlannedAsTheQueryItHolds() throws SQLException {
        Case c = RollupVectors.all().get(0);
        List<String> plan = new ArrayList<>();
        try (PreparedStatement st =
                connection.prepareStatement("EXPLAIN SELECT * FROM window_rollup(?, ?, ?, ?, ?)")) {
            bind(st, c.name(), c);
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

    private static List<Merged> rollup(String function, String tag, Case c) throws SQLException {
        List<Merged> buckets = new ArrayList<>();
        try (PreparedStatement st =
                connection.prepareStatement(
                        "SELECT (EXTRACT(EPOCH FROM window_start) * 1000)::bigint AS start_ms,"
                                + " (EXTRACT(EPOCH FROM window_end - window_start) * 1000)::bigint"
                                + " AS length_ms, * FROM "
                                + function
                                + "(?, ?, ?, ?, ?) ORDER BY tag, window_start")) {
            bind(st, tag, c);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString("tag")).isEqualTo(tag);
                    buckets.add(
                            new Merged(
                                    rs.getLong("start_ms"),
                                    rs.getLong("length_ms"),
                                    rs.getLong("windows"),
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
                                    Quality.ofWire(rs.getString("worst_quality"))));
                }
            }
        }
        return buckets;
    }

    /** The bucket's range, one stored window size, one bucket. */
    private static void bind(PreparedStatement st, String tag, Case c) throws SQLException {
        Merged m = c.merged();
        st.setString(1, tag);
        st.setInt(2, Math.toIntExact(c.windows().get(0).windowMs()));
        st.setObject(3, timestamp(m.start()));
        st.setObject(4, timestamp(m.start() + m.windowMs()));
        st.setLong(5, m.windowMs());
    }

    private static OffsetDateTime timestamp(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }
}
