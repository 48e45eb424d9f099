package io.sluice.websocket.connection;

import io.sluice.websocket.protocol.CloseCodes;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.thread.Scheduler;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open connections: their number against the maximum, the activity check that pings quiet
 * clients and closes those that do not answer, and the close of all on shutdown.
 *
 * <p>It is {@link Graceful}: its shutdown, before the server's connectors close, closes every
 * client with 4200 (reconnect at once, to another instance), and completes when the last connection
 * has gone; the caller bounds the wait.
 */
public final class ConnectionRegistry extends AbstractLifeCycle implements Graceful {
    private static final long CHECK_EVERY_MS = 1000;

    private final int maxConnections;
    private final Scheduler scheduler;
    private final Set<PusherConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private volatile CompletableFuture<Void> drained;
    private volatile Scheduler.Task check;

    /**
     * @param scheduler runs the activity check; started before this registry
     */
    public ConnectionRegistry(int maxConnections, Scheduler scheduler) {
        this.maxConnections = maxConnections;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    protected void doStart() throws Exception {
        scheduleCheck();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        Scheduler.Task t = check;
        if (t != null) {
            t.cancel();
        }
        super.doStop();
    }

    /** Registers a connection; false when the maximum is reached. */
    boolean add(PusherConnection connection) {
        if (count.incrementAndGet() > maxConnections) {
            count.decrementAndGet();
            return false;
        }
        connections.add(connection);
        return true;
    }

    void remove(PusherConnection connection) {
        if (connections.remove(connection) && count.decrementAndGet() == 0) {
            CompletableFuture<Void> d = drained;
            if (d != null) {
                d.complete(null);
            }
        }
    }

    /** Open connections. */
    public int size() {
        return count.get();
    }

    /**
     * Closes every connection with a code and reason; the future completes when the last one has
     * gone.
     */
    public CompletableFuture<Void> closeAll(int code, String reason) {
        CompletableFuture<Void> d = new CompletableFuture<>();
        drained = d;
        for (PusherConnection c : connections) {
            c.closeWith(code, reason);
        }
        if (count.get() == 0) {
            d.complete(null);
        }
        return d;
    }

    /** Closes this instance's connections of the app's user (4009), as terminate_connections. */
    public void terminate(String appId, String userId) {
        for (PusherConnection c : connections) {
            if (c.app() != null && c.app().id().equals(appId) && c.isUser(userId)) {
                c.terminate();
            }
        }
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return closeAll(CloseCodes.RECONNECT_NOW, "Server shutting down");
    }

    @Override
    public boolean isShutdown() {
        return drained != null;
    }

    /** A new socket id: two random numbers, as the protocol's own servers make them. */
    static String newSocketId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return r.nextInt(1, 1_000_000_000) + "." + r.nextInt(1, 1_000_000_000);
    }

    private void scheduleCheck() {
        check = scheduler.schedule(this::checkActivity, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    private void checkActivity() {
        try {
            long now = System.nanoTime();
            for (PusherConnection c : connections) {
                c.checkActivity(now);
            }
        } finally {
            if (isRunning()) {
                scheduleCheck();
            }
        }
    }
}
