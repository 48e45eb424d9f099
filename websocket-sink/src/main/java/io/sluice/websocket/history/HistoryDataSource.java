package io.sluice.websocket.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The history API's connection pool: HikariCP, small, read-only, quick to give up.
 *
 * <p>A pool, because every request is one short query and opening a PostgreSQL connection (a server
 * process, authentication) costs more than the query. It starts even when the database is down, and
 * a request then waits at most {@link #CONNECTION_TIMEOUT} for a connection before it gets a 503,
 * rather than holding a Jetty thread for the driver's default of ten seconds or more.
 */
public final class HistoryDataSource {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryDataSource.class);

    /**
     * Longest a request waits for a pooled connection, including a connect to a database that is
     * down.
     */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    private HistoryDataSource() {}

    /** A new pool; the caller closes it when the service stops. */
    public static HikariDataSource create(HistorySettings settings) {
        requireNonNull(settings, "settings");
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice-history");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.jdbcUser());
        if (!settings.jdbcPassword().isEmpty()) {
            config.setPassword(settings.jdbcPassword());
        }
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setReadOnly(true);
        // pgjdbc only enforces read-only inside explicit transactions unless told to always do so.
        config.addDataSourceProperty("readOnlyMode", "always");
        config.addDataSourceProperty("ApplicationName", "sluice-websocket-sink history");
        config.addDataSourceProperty(
                "connectTimeout", String.valueOf(CONNECTION_TIMEOUT.toSeconds()));
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(CONNECTION_TIMEOUT.toMillis() / 2);
        // Start without the database: requests answer 503 until it is reachable.
        config.setInitializationFailTimeout(-1);
        LOG.info("History API reads {} (pool of {})", settings.jdbcUrl(), settings.poolSize());
        return new HikariDataSource(config);
    }
}
