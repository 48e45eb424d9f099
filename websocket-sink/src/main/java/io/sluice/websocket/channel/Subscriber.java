package io.sluice.websocket.channel;

/** One connection's subscription to one channel, as the hub sees it. */
public interface Subscriber {
    /** The connection's socket id, so a publisher can leave out its own connection. */
    String socketId();

    /** Takes a frame of the channel; never blocks. */
    void deliver(OutboundFrame frame);
}
