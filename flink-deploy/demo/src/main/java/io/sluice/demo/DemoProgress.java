package io.sluice.demo;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's line a second: readings in, windows stored, updates pushed, clients connected.
 *
 * <p>Windows stored are PostgreSQL's own row counters of the history table (inserts plus
 * revisions), which cost nothing to read, unlike counting the table.
 */
final class DemoProgress implements AutoCloseable {
    private static final String STORED_SQL =
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = 'window_stats'";

    private final Demo demo;
    private final PrintStream out;
    private final SluiceConfig config;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "demo-progress");
                        t.setDaemon(true);
                        return t;
                    });
    private final long start = System.nanoTime();
    private Connection db;
    private long lastReadings;
    private long lastStored;
    private double lastPushed;

    DemoProgress(Demo demo, PrintStream out) {
        this.demo = demo;
        this.out = out;
        this.config = demo.resolved();
    }

    void start() {
        ticker.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
    }

    private void print() {
        long readings = demo.readingsSent();
        long stored = stored();
        double pushed = demo.sink().metrics().count("sluice.websocket.messages.out");
        out.printf(
                "[%5ds] readings %,8d/s (%,d) | windows stored %,7d/s (%,d) | updates pushed %,6.0f/s | clients %d%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                readings - lastReadings,
                readings,
                stored - lastStored,
                stored,
                pushed - lastPushed,
                demo.sink().connections());
        lastReadings = readings;
        lastStored = stored;
        lastPushed = pushed;
    }

    private long stored() {
        try {
            if (db == null) {
                db =
                        DriverManager.getConnection(
                                config.get(ConfigKeys.JDBC_URL),
                                config.get(ConfigKeys.JDBC_USER),
                                config.get(ConfigKeys.JDBC_PASSWORD));
            }
            try (Statement s = db.createStatement();
                    ResultSet r = s.executeQuery(STORED_SQL)) {
                return r.next() ? r.getLong(1) : 0;
            }
        } catch (SQLException e) {
            closeDb();
            return lastStored;
        }
    }

    private void closeDb() {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // going anyway
            }
            db = null;
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeDb();
    }
}
