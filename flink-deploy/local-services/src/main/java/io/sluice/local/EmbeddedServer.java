package io.sluice.local;

import org.apache.commons.io.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What the embedded servers share: a data folder they own (deleted on close), a fixed or free port,
 * and a life of one start and one close.
 */
abstract class EmbeddedServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    /** "Embedded Kafka", ...: how messages name the server. */
    final String name;

    final Path dataDirectory;

    /** The port asked for; 0 for a free one. */
    final int requestedPort;

    private boolean started;
    private boolean closed;

    EmbeddedServer(String name, Path dataDirectory, int requestedPort) {
        this.name = name;
        this.dataDirectory = dataDirectory.toAbsolutePath();
        this.requestedPort = requestedPort;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Marks the one start; returns its time in nanoseconds. */
    final long beginStart() {
        if (started) {
            throw new IllegalStateException(
                    getClass().getSimpleName() + " can be started only once");
        }
        started = true;
        return System.nanoTime();
    }

    /**
     * Fails with one sentence when the fixed port asked for is taken: a server would otherwise wait
     * for "a" server on that port, and might find someone else's.
     */
    final void requireRequestedPortFree() {
        if (requestedPort != 0) {
            Net.requireFree(name, requestedPort);
        }
    }

    /** True the first time only: close is idempotent. */
    final boolean beginClose() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    final boolean isClosed() {
        return closed;
    }

    final void deleteDataDirectory() {
        try {
            FileUtils.deleteDirectory(dataDirectory.toFile());
        } catch (IOException e) {
            LOG.warn(
                    "Could not delete the data directory {} of {}: {}",
                    dataDirectory,
                    name,
                    e.toString());
        }
    }

    /** A port for a builder: 0 (a free one) to 65535. */
    static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        return port;
    }
}
