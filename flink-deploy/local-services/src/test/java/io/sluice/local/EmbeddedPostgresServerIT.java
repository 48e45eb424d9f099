package io.sluice.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedPostgresServerIT {
    @TempDir Path dir;

    @Test
    void rowsInsertedIntoACreatedTableAreSelectedBack() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder(dir.resolve("pg")).start();
                Connection c =
                        DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            try (Statement s = c.createStatement()) {
                s.execute(
                        "CREATE TABLE window_avg (tag TEXT, window_start TIMESTAMPTZ, avg DOUBLE PRECISION)");
            }
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT INTO window_avg VALUES (?, now(), ?)")) {
                for (int i = 0; i < 3; i++) {
                    insert.setString(1, "tag-" + i);
                    insert.setDouble(2, i * 1.5);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            List<String> rows = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT tag, avg FROM window_avg ORDER BY tag")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + "=" + rs.getDouble(2));
                }
            }

            assertThat(rows).containsExactly("tag-0=0.0", "tag-1=1.5", "tag-2=3.0");
            assertThat(pg.jdbcUrl())
                    .isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres");
        }
    }

    @Test
    void closeStopsTheServerFreesItsPortAndDeletesItsData() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder(dir.resolve("pg")).start();
        int port = pg.port();
        assertThat(dir.resolve("pg").resolve("PG_VERSION")).exists();

        pg.close();
        pg.close(); // idempotent

        assertThat(dir.resolve("pg")).doesNotExist();
        assertThat(Net.isFree(port)).isTrue();
        assertThatThrownBy(
                        () -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()))
                .hasMessageContaining("Connection to 127.0.0.1:" + port + " refused");
    }

    @Test
    void restartKeepsThePortAndTheRows() throws Exception {
        try (EmbeddedPostgresServer pg =
                EmbeddedPostgresServer.builder(dir.resolve("pg")).start()) {
            String url = pg.jdbcUrl();
            try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (n INT)");
                s.execute("INSERT INTO kept VALUES (1), (2)");
            }

            pg.restart();

            assertThat(pg.jdbcUrl()).isEqualTo(url);
            try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT sum(n) FROM kept")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        }
        assertThat(dir.resolve("pg")).doesNotExist(); // close stops the restarted server too
    }

    @Test
    void aTakenPortIsReportedInOneSentenceNamingTheServiceAndAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedPostgresServer.Builder builder =
                    EmbeddedPostgresServer.builder(dir.resolve("pg")).port(taken.getLocalPort());

            assertThatThrownBy(builder::start)
                    .isInstanceOf(ServiceStartException.class)
                    .hasMessage(
                            "Embedded PostgreSQL cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort()
                                    + " because the port is already in use.");
        }
    }
}
