package io.sluice.websocket.connection;

import io.sluice.websocket.broker.StreamPosition;
import io.sluice.websocket.channel.ChannelRoute;
import io.sluice.websocket.channel.OutboundFrame;
import io.sluice.websocket.channel.Subscriber;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One connection's subscription to one channel.
 *
 * <p>While the subscription catches up (snapshot or missed entries, read from the broker), live
 * frames wait in a pending list; then the catch-up goes first, and the pending frames follow, less
 * those the catch-up already covered. So a client sees no gap and no repeat between the two.
 */
final class ChannelSubscription implements Subscriber {
    private final PusherConnection connection;
    private final ChannelRoute route;
    private final String userId;
    private final int maxPending;
    private volatile boolean live;
    private volatile boolean counted;

    /**
     * The last stream entry the catch-up covered, or null: a frame up to it, waiting or late, is
     * not sent again. Written before {@code live}, read after it.
     */
    private StreamPosition coveredUpTo;

    private ArrayDeque<OutboundFrame> pending;

    /**
     * @param userId the member's user id on a presence channel, else null
     */
    ChannelSubscription(
            PusherConnection connection,
            ChannelRoute route,
            String userId,
            boolean catchesUp,
            int maxPending) {
        this.connection = connection;
        this.route = route;
        this.userId = userId;
        this.maxPending = maxPending;
        this.live = !catchesUp;
        this.pending = catchesUp ? new ArrayDeque<>() : null;
    }

    ChannelRoute route() {
        return route;
    }

    /** The member's user id on a presence channel, else null. */
    String userId() {
        return userId;
    }

    /** Whether the cluster's subscription count holds this one, so that it is counted off once. */
    boolean counted() {
        return counted;
    }

    void counted(boolean counted) {
        this.counted = counted;
    }

    @Override
    public String socketId() {
        return connection.socketId();
    }

    @Override
    public void deliver(OutboundFrame frame) {
        if (!live) {
            synchronized (this) {
                if (!live) {
                    if (pending.size() < maxPending) {
                        pending.add(frame);
                    } else if (OutboundFrame.replaceIn(pending, frame)) {
                        connection.conflated();
                    } else {
                        connection.overCapacity();
                    }
                    return;
                }
            }
        }
        if (!covered(frame)) { // read by the stream reader before the catch-up, delivered after
            connection.enqueue(frame);
        }
    }

    /** Sends the catch-up, then the frames that came meanwhile and are newer than {@code upTo}. */
    void goLive(List<OutboundFrame> catchUp, StreamPosition upTo) {
        for (OutboundFrame f : catchUp) {
            connection.enqueue(f);
        }
        synchronized (this) {
            coveredUpTo = upTo;
            for (OutboundFrame f : pending) {
                if (!covered(f)) {
                    connection.enqueue(f);
                }
            }
            pending = null;
            live = true;
        }
    }

    /** True when the catch-up already sent the entry this frame was made of. */
    private boolean covered(OutboundFrame frame) {
        StreamPosition upTo = coveredUpTo;
        return upTo != null && frame.streamId() != null && frame.streamId().compareTo(upTo) <= 0;
    }
}
