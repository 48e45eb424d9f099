package io.sluice.websocket.connection;

import org.eclipse.jetty.util.component.AbstractLifeCycle;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open connections: their number against the maximum, the activity check that pings quiet
 * clients and closes those that do not answer, and the close of all on shutdown.
 */
public final class ConnectionRegistry extends AbstractLifeCycle {
    private final int maxConnections;
    private final Set<PusherConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private ScheduledExecutorService sweeper;

    public ConnectionRegistry(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    @Override
    protected void doStart() throws Exception {
        sweeper =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "activity-check");
                            t.setDaemon(true);
                            return t;
                        });
        sweeper.scheduleWithFixedDelay(this::checkActivity, 1, 1, TimeUnit.SECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        sweeper.shutdownNow();
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
        if (connections.remove(connection)) {
            count.decrementAndGet();
        }
    }

    /** Open connections. */
    public int size() {
        return count.get();
    }

    /**
     * Closes every connection with a code and reason, and waits up to {@code waitMs} for them to
     * go.
     */
    public void closeAll(int code, String reason, long waitMs) throws InterruptedException {
        for (PusherConnection c : connections) {
            c.closeWith(code, reason);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (count.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** A new socket id: two random numbers, as the protocol's own servers make them. */
    static String newSocketId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return r.nextInt(1, 1_000_000_000) + "." + r.nextInt(1, 1_000_000_000);
    }

    private void checkActivity() {
        long now = System.nanoTime();
        for (PusherConnection c : connections) {
            c.checkActivity(now);
        }
    }
}
