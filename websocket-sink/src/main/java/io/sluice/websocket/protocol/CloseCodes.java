package io.sluice.websocket.protocol;

/**
 * The close and error codes of the Pusher Channels protocol (version 7) that this service uses.
 *
 * <p>4000-4099: the client must not reconnect; 4100-4199: reconnect after a back-off; 4200-4299:
 * reconnect at once. 1003 and 1009 are WebSocket's own (RFC 6455).
 */
public final class CloseCodes {
    /** Binary frame: the protocol is text only. */
    public static final int UNSUPPORTED_DATA = 1003;

    /** A text frame over {@code websocket.max.message.bytes}. */
    public static final int MESSAGE_TOO_BIG = 1009;

    /** The key in /app/{key} is not this service's app key. */
    public static final int APP_DOES_NOT_EXIST = 4001;

    /** The app is disabled (its {@code enabled} is false). */
    public static final int APP_DISABLED = 4003;

    /** The protocol version query parameter is missing. */
    public static final int NO_PROTOCOL = 4008;

    /** A protocol version this service does not speak. */
    public static final int UNSUPPORTED_PROTOCOL = 4007;

    /**
     * A private channel's auth signature is missing or wrong (sent as a pusher:error, the
     * connection stays).
     */
    public static final int UNAUTHORIZED = 4009;

    /** Too many connections, or a client too slow to take its updates: retry after a back-off. */
    public static final int OVER_CAPACITY = 4100;

    /** The server is going away (shutdown): reconnect at once, to another instance. */
    public static final int RECONNECT_NOW = 4200;

    /** The client did not answer the server's ping in time. */
    public static final int PONG_NOT_RECEIVED = 4201;

    /** The client sent more messages per second than allowed. */
    public static final int CLIENT_RATE_LIMIT = 4301;

    private CloseCodes() {}
}
