package io.sluice.websocket.connection;

import org.eclipse.jetty.util.Callback;

/** The one thing that touches a client's socket: tests use a fake one. */
public interface Transport {
    /** Sends a text frame's UTF-8 bytes; the callback completes when they are written or failed. */
    void send(byte[] frame, Callback callback);

    /** Closes with a code and a reason; the reason is cut to fit a close frame. */
    void close(int code, String reason);

    /** Drops the connection without a close handshake: for a client that no longer reads. */
    void abort();
}
