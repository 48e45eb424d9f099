package io.sluice.job.sinks;

import io.sluice.history.HistorySchema;

import java.sql.SQLException;

/**
 * Applies the history schema, conf/sql/schema.sql, rollups.sql and analytics.sql, through {@link
 * HistorySchema} (every statement is idempotent).
 */
public final class Schema {
    private Schema() {}

    public static void apply(String jdbcUrl, String user, String password) throws SQLException {
        HistorySchema.apply(jdbcUrl, user, password);
    }
}
