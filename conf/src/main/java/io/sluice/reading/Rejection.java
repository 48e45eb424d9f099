package io.sluice.reading;

import java.util.Objects;

/**
 * A record that is not a reading: the reason, and a detail for the person reading the dead letter.
 */
public final class Rejection {
    private final RejectReason reason;
    private final String detail;

    public Rejection(RejectReason reason, String detail) {
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    public RejectReason reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return reason + ": " + detail;
    }
}
