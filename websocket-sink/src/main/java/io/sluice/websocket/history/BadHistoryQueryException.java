package io.sluice.websocket.history;

/**
 * A request the history API refuses: its message names the parameter and says what is wrong, and is
 * sent to the client as it is (HTTP 400).
 */
public final class BadHistoryQueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadHistoryQueryException(String message) {
        super(message);
    }
}
