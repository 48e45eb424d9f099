package io.sluice.job.sinks;

import io.sluice.job.window.WindowStats;
import io.sluice.local.EmbeddedPostgresServer;
import io.sluice.reading.Quality;
import io.sluice.update.WindowVersionVectors;
import io.sluice.update.WindowVersionVectors.Vector;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history upsert and its rule, {@code window_supersedes} in conf/sql/schema.sql, on a real
 * PostgreSQL against the vectors of {@link io.sluice.update.WindowVersion}
 * (conf/samples/updates/supersedes.tsv).
 */
class HistoryUpsertIT {
    private static final String TAG = "plant1.area03.pump007.pressure";

    @TempDir static Path dir;
    private static EmbeddedPostgresServer postgres;
    private static Connection connection;

    @BeforeAll
    static void startPostgres() throws SQLException {
        postgres = new EmbeddedPostgresServer(dir.resolve("pg")).start();
        Schema.apply(postgres.jdbcUrl(), postgres.user(), postgres.password());
        connection =
                DriverManager.getConnection(
                        postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    @AfterAll
    static void stop() throws SQLException {
        connection.close();
        postgres.close();
    }

    static List<Vector> vectors() {
        return WindowVersionVectors.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theSqlRuleFollowsTheSharedVectors(Vector v) throws SQLException {
        try (PreparedStatement st =
                connection.prepareStatement("SELECT window_supersedes(?, ?, ?, ?)")) {
            st.setTimestamp(1, new Timestamp(v.windowStart()));
            st.setInt(2, v.revision());
            st.setTimestamp(3, new Timestamp(v.heldStart()));
            st.setInt(4, v.heldRevision());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                assertThat(rs.getBoolean(1)).as(v.toString()).isEqualTo(v.newWins());
            }
        }
    }

    /**
     * The upsert meets only the same window again (its conflict key holds the window start): there
     * it keeps the stored row unless the new one supersedes it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theUpsertKeepsWhatSupersedes(Vector v) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("TRUNCATE window_stats");
        }
        upsert(window(v.heldStart(), v.heldRevision(), 1.5));
        upsert(window(v.windowStart(), v.revision(), 2.5));

        try (Statement st = connection.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT (EXTRACT(EPOCH FROM window_start) * 1000)::bigint, revision,"
                                        + " mean FROM window_stats ORDER BY window_start")) {
            if (v.windowStart() == v.heldStart()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(2))
                        .as(v.toString())
                        .isEqualTo(v.newWins() ? v.revision() : v.heldRevision());
                assertThat(rs.getDouble(3)).as(v.toString()).isEqualTo(v.newWins() ? 2.5 : 1.5);
                assertThat(rs.next()).as("one row").isFalse();
            } else { // another window is another row: both stay
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(Math.min(v.windowStart(), v.heldStart()));
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(Math.max(v.windowStart(), v.heldStart()));
                assertThat(rs.next()).isFalse();
            }
        }
    }

    private static void upsert(WindowStats w) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(HistorySink.UPSERT)) {
            HistorySink.bind(ps, List.of(w));
            ps.executeUpdate();
        }
    }

    private static WindowStats window(long start, int revision, double mean) {
        WindowStats w = new WindowStats();
        w.tag = TAG;
        w.windowMs = 1000;
        w.windowStart = start;
        w.count = 1;
        w.goodCount = 1;
        w.sum = mean;
        w.min = mean;
        w.max = mean;
        w.firstTs = start;
        w.firstValue = mean;
        w.lastTs = start;
        w.lastValue = mean;
        w.mean = mean;
        w.twaArea = mean * 1000;
        w.twaSpanMs = 1000;
        w.worstQuality = Quality.GOOD;
        w.revision = revision;
        return w;
    }
}
