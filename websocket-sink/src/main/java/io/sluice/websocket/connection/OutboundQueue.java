package io.sluice.websocket.connection;

import io.sluice.websocket.channel.OutboundFrame;

import org.eclipse.jetty.util.Callback;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One connection's bounded outbound queue.
 *
 * <p>A few frames are handed to the transport at a time, so Jetty can write them together; the rest
 * wait here. When the queue is full, a newer frame replaces a waiting one with the same conflation
 * key (the same tags of the same channel); when none can be replaced, the queue reports an overflow
 * and takes nothing more. So a slow client costs at most {@code capacity} frame references, and
 * never slows anyone else.
 */
public final class OutboundQueue {
    /** Frames written by the transport at once. */
    static final int IN_FLIGHT = 4;

    /** What the queue reports: each method is called outside its lock. */
    public interface Listener {
        /** A frame was written. */
        void sent();

        /** A waiting frame was replaced by a newer one. */
        void conflated();

        /** The queue is full and nothing could be replaced: the connection should go. */
        void overflowed();

        /** The transport failed a write. */
        void failed(Throwable cause);
    }

    private final Transport transport;
    private final int capacity;
    private final Listener listener;
    private final ArrayDeque<OutboundFrame> waiting = new ArrayDeque<>(4);

    /**
     * One callback for every write (it needs no state of the frame): nothing allocated per frame
     * and client.
     */
    private final Callback written = Callback.from(this::onSent, this::onFailed);

    private int inFlight;
    private boolean flushing;
    private boolean closed;

    public OutboundQueue(Transport transport, int capacity, Listener listener) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Queues a frame; false when the queue is closed or overflowed. */
    public boolean offer(OutboundFrame frame) {
        boolean startFlush = false;
        boolean conflated = false;
        boolean overflowed = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (waiting.size() < capacity) {
                waiting.add(frame);
                startFlush = !flushing;
                flushing = true;
            } else if (OutboundFrame.replaceIn(waiting, frame)) {
                conflated = true;
            } else {
                closed = true;
                overflowed = true;
                waiting.clear();
            }
        }
        if (conflated) {
            listener.conflated();
        } else if (startFlush) {
            flush();
        } else if (overflowed) {
            listener.overflowed();
            return false;
        }
        return true;
    }

    /** Hands waiting frames to the transport, never more than {@link #IN_FLIGHT} at once. */
    private void flush() {
        while (true) {
            OutboundFrame next;
            synchronized (this) {
                if (closed || inFlight >= IN_FLIGHT || waiting.isEmpty()) {
                    flushing = false;
                    return;
                }
                next = waiting.poll();
                inFlight++;
            }
            transport.send(next.bytes(), written);
        }
    }

    private void onSent() {
        boolean resume;
        synchronized (this) {
            inFlight--;
            resume = !flushing && !closed && !waiting.isEmpty();
            if (resume) {
                flushing = true;
            }
        }
        listener.sent();
        if (resume) {
            flush();
        }
    }

    private void onFailed(Throwable cause) {
        synchronized (this) {
            inFlight--;
            closed = true;
            waiting.clear();
        }
        listener.failed(cause);
    }

    /** Drops what waits and takes nothing more. */
    public void close() {
        synchronized (this) {
            closed = true;
            waiting.clear();
        }
    }

    /** Frames waiting, not counting those being written. */
    public synchronized int size() {
        return waiting.size();
    }
}
