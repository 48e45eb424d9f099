package io.sluice.job.parse;

/**
 * A record that is not a reading, with what is needed to find and replay it: its exact bytes, why
 * it was rejected, and where it came from. A POJO, for Flink's serializer.
 */
public final class DeadLetter {
    /** The record's key as it came, or null. */
    public byte[] key;

    /** The record's value as it came, or null for a tombstone. */
    public byte[] value;

    /** A {@link io.sluice.reading.RejectReason} name. */
    public String reason;

    public String detail;
    public String topic;
    public int partition;
    public long offset;

    /** The Kafka record's timestamp. */
    public long timestamp;

    public DeadLetter() {}
}
