package io.sluice.websocket.protocol;

/**
 * A client message that breaks the protocol: answered with a pusher:error, the connection stays
 * open.
 */
public final class ProtocolException extends Exception {
    private final String kind;

    /**
     * @param kind what went wrong, for the errors metric: malformed, unknown-event, bad-channel,
     *     ...
     * @param message the text sent back to the client
     */
    public ProtocolException(String kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
