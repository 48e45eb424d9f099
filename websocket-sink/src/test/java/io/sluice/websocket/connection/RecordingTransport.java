package io.sluice.websocket.connection;

import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A transport that completes every write at once and records frames, closes and aborts. */
final class RecordingTransport implements Transport {
    boolean aborted;
    final List<String> sent = new ArrayList<>();
    final List<Integer> closes = new ArrayList<>();

    @Override
    public synchronized void send(byte[] frame, Callback callback) {
        sent.add(new String(frame, StandardCharsets.UTF_8));
        callback.succeeded();
    }

    @Override
    public synchronized void close(int code, String reason) {
        closes.add(code);
    }

    @Override
    public synchronized void abort() {
        aborted = true;
    }
}
