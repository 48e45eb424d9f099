package io.sluice.simulator;

import io.sluice.reading.Reading;
import io.sluice.reading.RejectReason;

/** The generator's output slot, filled again for every record. */
public final class SimulatedRecord {
    public RecordKind kind;

    /** The Kafka record key (the tag's bytes). */
    public byte[] key;

    /** The Kafka record value: a new array for each record, since the producer keeps it. */
    public byte[] value;

    /** The reading carried, or that a malformed record was made from. */
    public final Reading reading = new Reading();

    /** For a malformed record, the reason a consumer must reject it with; otherwise null. */
    public RejectReason malformedAs;
}
