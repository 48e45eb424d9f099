package io.sluice.websocket.testing;

import org.eclipse.jetty.websocket.api.Session;

import java.util.function.Predicate;

/**
 * A client endpoint that demands frames explicitly, one at a time, and stops reading after a
 * message the test names: from then on Jetty reads nothing from its socket, so the TCP buffers fill
 * and the server sees a client that does not keep up. {@link #resume()} reads again.
 */
public final class StallingSocket extends RecordingSocket {
    private volatile Predicate<String> stopAfter = m -> false;
    private volatile boolean stalled;

    @Override
    public void onWebSocketOpen(Session session) {
        super.onWebSocketOpen(session);
        session.demand();
    }

    @Override
    public void onWebSocketText(String message) {
        boolean stop = stopAfter.test(message);
        stalled = stop; // before the message is visible, so a test that has it sees the stall
        record(message);
        if (!stop) {
            session.demand();
        }
    }

    /** Stops demanding right after the first message that matches (the message itself is read). */
    public void stopAfter(Predicate<String> lastMessage) {
        stopAfter = lastMessage;
    }

    /** True once it has stopped reading. */
    public boolean isStalled() {
        return stalled;
    }

    /** Reads again, everything from now on. */
    public void resume() {
        stopAfter = m -> false;
        if (stalled) {
            stalled = false;
            session.demand();
        }
    }
}
