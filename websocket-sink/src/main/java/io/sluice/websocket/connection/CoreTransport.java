package io.sluice.websocket.connection;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A Jetty core WebSocket session as a {@link Transport}.
 *
 * <p>Sends go to the core session as ready-made text frames, so a frame serialised once is written
 * to every recipient without encoding it again (a String API would re-encode it per client). Only a
 * wrapper and a frame header are made per send.
 */
final class CoreTransport implements Transport {
    private static final int MAX_REASON_BYTES = 120;
    private final CoreSession core;

    CoreTransport(CoreSession core) {
        this.core = Objects.requireNonNull(core, "core");
    }

    @Override
    public void send(byte[] frame, Callback callback) {
        core.sendFrame(new Frame(OpCode.TEXT, ByteBuffer.wrap(frame)), callback, false);
    }

    @Override
    public void close(int code, String reason) {
        String r =
                reason.length() > MAX_REASON_BYTES ? reason.substring(0, MAX_REASON_BYTES) : reason;
        core.close(code, r, Callback.NOOP);
    }

    @Override
    public void abort() {
        core.abort();
    }
}
