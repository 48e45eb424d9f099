package io.sluice.websocket.history;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The history API's settings: its limits ({@code history.*}) and the database it reads ({@code
 * jdbc.*}).
 *
 * <p>{@code jdbc.url} must be a real JDBC URL: the word {@code embedded} is resolved by the program
 * that starts the embedded PostgreSQL, before it builds these settings ({@code config.with(...)}).
 *
 * @param maxRows most rows one answer holds, and the default limit ({@code history.max.rows})
 * @param maxRange longest range [from, to) a request may ask for ({@code history.max.range})
 * @param poolSize connections of the read-only pool ({@code history.pool.size})
 * @param jdbcUrl the PostgreSQL JDBC URL ({@code jdbc.url})
 * @param jdbcUser the database user ({@code jdbc.user})
 * @param jdbcPassword the user's password, empty for none ({@code jdbc.password})
 * @param storedWindowsMs the window sizes the job stores ({@code job.window.sizes}), ascending
 */
public record HistorySettings(
        int maxRows,
        Duration maxRange,
        int poolSize,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        List<Long> storedWindowsMs) {

    public HistorySettings {
        storedWindowsMs = List.copyOf(storedWindowsMs);
        if (storedWindowsMs.isEmpty()) {
            throw new IllegalArgumentException("the job stores at least one window size");
        }
        requireNonNull(maxRange, "maxRange");
        requireNonNull(jdbcUrl, "jdbcUrl");
        requireNonNull(jdbcUser, "jdbcUser");
        requireNonNull(jdbcPassword, "jdbcPassword");
        if (maxRows < 1 || poolSize < 1) {
            throw new IllegalArgumentException(
                    "maxRows and poolSize must be positive: " + maxRows + ", " + poolSize);
        }
        if (maxRange.toMillis() < 1) {
            throw new IllegalArgumentException("maxRange must be at least 1 ms: " + maxRange);
        }
    }

    /** Reads the history.* and jdbc.* keys; each bad value is reported with where it came from. */
    public static HistorySettings from(SluiceConfig config) {
        int maxRows = config.getPositiveInt(ConfigKeys.HISTORY_MAX_ROWS);
        Duration maxRange = config.getDuration(ConfigKeys.HISTORY_MAX_RANGE);
        if (maxRange == null || maxRange.toMillis() < 1) {
            throw config.invalid(
                    ConfigKeys.HISTORY_MAX_RANGE, "is not a duration of at least 1 ms (like 7d)");
        }
        int poolSize = config.getPositiveInt(ConfigKeys.HISTORY_POOL_SIZE);
        String jdbcUrl = config.get(ConfigKeys.JDBC_URL);
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw config.invalid(
                    ConfigKeys.JDBC_URL,
                    "is not a JDBC URL; \"embedded\" must be resolved before the history API starts");
        }
        List<Long> stored = new ArrayList<>();
        for (String size : config.getList(ConfigKeys.JOB_WINDOW_SIZES)) {
            try {
                stored.add(SluiceConfig.parseDuration(size).toMillis());
            } catch (IllegalArgumentException e) {
                throw config.invalid(ConfigKeys.JOB_WINDOW_SIZES, "has '" + size + "'");
            }
        }
        if (stored.isEmpty()) {
            throw config.invalid(ConfigKeys.JOB_WINDOW_SIZES, "names no window size");
        }
        return new HistorySettings(
                maxRows,
                maxRange,
                poolSize,
                jdbcUrl,
                config.get(ConfigKeys.JDBC_USER),
                config.get(ConfigKeys.JDBC_PASSWORD),
                stored);
    }

    /** Never shows the password, so that the settings can be logged. */
    @Override
    public String toString() {
        return "HistorySettings[maxRows="
                + maxRows
                + ", maxRange="
                + maxRange
                + ", poolSize="
                + poolSize
                + ", jdbcUrl="
                + jdbcUrl
                + ", jdbcUser="
                + jdbcUser
                + "]";
    }
}
