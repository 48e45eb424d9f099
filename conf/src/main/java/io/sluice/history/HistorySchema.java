package io.sluice.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The history database's schema: conf/sql/schema.sql (the tables, the rule of which window version
 * wins), conf/sql/rollups.sql (the rollup functions), then conf/sql/analytics.sql (calendar
 * rollups, percent good, gap filling, decimation, data quality), as this module's jar carries them.
 * The one way they are installed, by the job on start and by every test; every statement is
 * idempotent, so applying them again is harmless.
 */
public final class HistorySchema {
    /** The scripts on the classpath, in the order they are applied. */
    public static final List<String> RESOURCES =
            List.of(
                    "/sluice/sql/schema.sql",
                    "/sluice/sql/rollups.sql",
                    "/sluice/sql/analytics.sql");

    private HistorySchema() {}

    /** Applies the scripts through a new connection. */
    public static void apply(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            apply(c);
        }
    }

    /** Applies the scripts on {@code connection}. */
    public static void apply(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String resource : RESOURCES) {
                st.execute(script(resource));
            }
        }
    }

    /** The text of one of {@link #RESOURCES}. */
    public static String script(String resource) {
        try (InputStream in = HistorySchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
