package io.sluice.simulator;

/** What the simulator meant a record to be. */
public enum RecordKind {
    /** A reading sent in event-time order. */
    READING,
    /** A reading held back, but by no more than the out-of-order bound. */
    OUT_OF_ORDER,
    /** A reading held back by more than the bound. */
    LATE,
    /** The previous record again. */
    DUPLICATE,
    /** A record that is not a valid reading. */
    MALFORMED;

    /** True for the kinds that carry a valid reading. */
    public boolean isReading() {
        return this != MALFORMED;
    }
}
