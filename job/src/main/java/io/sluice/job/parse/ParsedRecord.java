package io.sluice.job.parse;

import io.sluice.reading.Reading;

/**
 * What the source emits for each Kafka record: a reading, or a dead letter. One type, so that the
 * parse can happen inside the source, where the event time must be known for per-partition
 * watermarks.
 */
public final class ParsedRecord {
    /** The reading, or null for a dead letter. */
    public Reading reading;

    /** The dead letter, or null for a reading. */
    public DeadLetter deadLetter;

    /**
     * A reading's tag as an index, from the decoder's tag cache (0, 1, 2, ... within one source
     * subtask), or -1: the batching before the keyBy finds a tag's batch by it without hashing.
     */
    public int tagId = -1;

    public ParsedRecord() {}

    public static ParsedRecord of(Reading reading) {
        return of(reading, -1);
    }

    public static ParsedRecord of(Reading reading, int tagId) {
        ParsedRecord r = new ParsedRecord();
        r.reading = reading;
        r.tagId = tagId;
        return r;
    }

    public static ParsedRecord of(DeadLetter deadLetter) {
        ParsedRecord r = new ParsedRecord();
        r.deadLetter = deadLetter;
        return r;
    }

    /**
     * The event time for the watermark; a dead letter has none, so it never moves the watermark.
     */
    public long eventTime() {
        return reading != null ? reading.ts : Long.MIN_VALUE;
    }
}
