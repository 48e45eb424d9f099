package io.sluice.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A real redis-server (the binary shipped in codemonstur's embedded-redis) on a loopback port.
 *
 * <p>The server runs as a child process; its binary and working directory are in the given data
 * directory, which it owns: created on {@link #start()}, deleted on {@link #close()}. Nothing is
 * persisted (no RDB snapshots, no AOF): the streams live as long as the server.
 */
public final class EmbeddedRedisServer extends EmbeddedServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisServer.class);

    /** A free port can be taken by someone else before redis binds it; try a few. */
    private static final int FREE_PORT_ATTEMPTS = 3;

    private final boolean clusterNode;
    private RedisServer server;
    private File executable;
    private int port;

    /** A server on a free port, with its files in {@code dataDirectory}. */
    public EmbeddedRedisServer(Path dataDirectory) {
        this(builder(dataDirectory));
    }

    private EmbeddedRedisServer(Builder builder) {
        super("Embedded Redis", builder.dataDirectory, builder.port);
        this.clusterNode = builder.clusterNode;
    }

    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /** Starts redis-server; blocks until it logs that it accepts connections. */
    public synchronized EmbeddedRedisServer start() {
        long begin = beginStart();
        requireRequestedPortFree();
        try {
            Path bin = Files.createDirectories(dataDirectory.resolve("bin"));
            executable = ExecutableProvider.newJarResourceProvider(bin.toFile()).get();
        } catch (IOException | RuntimeException e) {
            deleteDataDirectory();
            throw new ServiceStartException(
                    "Embedded Redis could not unpack redis-server into " + dataDirectory + ": " + e,
                    e);
        }
        int attempts = requestedPort != 0 ? 1 : FREE_PORT_ATTEMPTS;
        for (int attempt = 1; ; attempt++) {
            port = requestedPort != 0 ? requestedPort : Net.freePort();
            RedisServer candidate =
                    new RedisServer(port, arguments(executable), false, LOG::debug, LOG::debug);
            try {
                candidate.start();
                server = candidate;
                break;
            } catch (IOException | RuntimeException e) {
                boolean taken = Net.isBindFailure(e) || !Net.isFree(port);
                if (taken && attempt < attempts) {
                    continue;
                }
                deleteDataDirectory();
                if (taken) {
                    throw Net.portInUse("Embedded Redis", port, e);
                }
                throw new ServiceStartException(
                        "Embedded Redis failed to start on "
                                + Net.LOOPBACK
                                + ":"
                                + port
                                + ": "
                                + e.getMessage(),
                        e);
            }
        }
        LOG.info(
                "Redis started on {} in {} ms, data in {}",
                redisUrl(),
                (System.nanoTime() - begin) / 1_000_000,
                dataDirectory);
        return this;
    }

    /**
     * Stops redis-server and starts a new one on the same port, as an operator restarts a Redis
     * without persistence: every key is lost. Blocks until the new one accepts connections.
     */
    public synchronized void restart() {
        requireStarted();
        if (isClosed()) {
            throw new IllegalStateException("EmbeddedRedisServer is closed");
        }
        long begin = System.nanoTime();
        try {
            server.stop();
            // The old server's listening socket is closed; SO_REUSEADDR lets the new one bind.
            server = new RedisServer(port, arguments(executable), false, LOG::debug, LOG::debug);
            server.start();
        } catch (IOException e) {
            throw new ServiceStartException(
                    "Embedded Redis failed to restart on " + redisUrl() + ": " + e.getMessage(), e);
        }
        LOG.info(
                "Redis restarted on {} in {} ms",
                redisUrl(),
                (System.nanoTime() - begin) / 1_000_000);
    }

    private List<String> arguments(File executable) {
        List<String> args = new ArrayList<>(standaloneArguments(executable));
        if (clusterNode) {
            // Its view of the cluster goes in its own folder; EmbeddedRedisCluster joins the nodes.
            args.addAll(
                    List.of(
                            "--cluster-enabled",
                            "yes",
                            "--cluster-config-file",
                            dataDirectory.resolve("nodes.conf").toString(),
                            "--cluster-node-timeout",
                            "5000"));
        }
        return args;
    }

    private List<String> standaloneArguments(File executable) {
        return List.of(
                executable.getAbsolutePath(),
                "--port",
                Integer.toString(port),
                "--bind",
                Net.LOOPBACK,
                "--dir",
                dataDirectory.toString(),
                // In-memory only: no snapshot on shutdown, no append-only file.
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no");
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String redisUrl() {
        requireStarted();
        return "redis://" + Net.LOOPBACK + ":" + port;
    }

    public int port() {
        requireStarted();
        return port;
    }

    /**
     * Stops redis-server (SIGTERM, then waits for it), frees its port and deletes the data;
     * idempotent.
     */
    @Override
    public synchronized void close() {
        if (!beginClose()) {
            return;
        }
        long begin = System.nanoTime();
        if (server != null) {
            try {
                server.stop();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Error while stopping Redis: {}", e.toString());
            }
        }
        deleteDataDirectory();
        if (server != null) {
            LOG.info("Redis stopped in {} ms", (System.nanoTime() - begin) / 1_000_000);
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("EmbeddedRedisServer is not started");
        }
    }

    /** Options of an {@link EmbeddedRedisServer}. */
    public static final class Builder {
        private final Path dataDirectory;
        private int port;
        private boolean clusterNode;

        private Builder(Path dataDirectory) {
            this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory");
        }

        /** The server's port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** A node of a Redis Cluster ({@code cluster-enabled}), serving no slot until joined. */
        public Builder clusterNode(boolean clusterNode) {
            this.clusterNode = clusterNode;
            return this;
        }

        public EmbeddedRedisServer build() {
            return new EmbeddedRedisServer(this);
        }

        /** Builds and starts. */
        public EmbeddedRedisServer start() {
            return build().start();
        }
    }
}
