package io.sluice.job.faults;

import io.sluice.job.parse.DeadLetter;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;

import java.nio.charset.StandardCharsets;

/**
 * Late readings and dead letters of one source in one minute: one fault on its way to {@link
 * FaultCounts}, or the totals it keeps. A POJO, for Flink's serializer.
 */
public final class FaultCount {
    /** Minutes are whole minutes since the epoch, in milliseconds. */
    static final long MINUTE_MS = 60_000;

    /** The tag; for a dead letter whose key is no tag, {@code reason:} and its reject reason. */
    public String source;

    /** The minute's start, epoch ms: of a late reading's time, of a dead letter's Kafka record. */
    public long minute;

    public long lateCount;
    public long deadLetterCount;

    public FaultCount() {}

    /** One late reading, counted under its tag and the minute of its time. */
    public static FaultCount late(Reading r) {
        FaultCount f = new FaultCount();
        f.source = r.tag;
        f.minute = Math.floorDiv(r.ts, MINUTE_MS) * MINUTE_MS;
        f.lateCount = 1;
        return f;
    }

    /**
     * One dead letter, counted under its record key when that is a tag (the simulator and most
     * producers key by tag), else under its reason; in the minute of its Kafka timestamp.
     */
    public static FaultCount deadLetter(DeadLetter d) {
        FaultCount f = new FaultCount();
        String key = d.key == null ? null : new String(d.key, StandardCharsets.UTF_8);
        f.source = key != null && ReadingCodec.isValidTag(key) ? key : "reason:" + d.reason;
        f.minute = Math.floorDiv(d.timestamp, MINUTE_MS) * MINUTE_MS;
        f.deadLetterCount = 1;
        return f;
    }

    /** The key the counts are kept under: source and minute. */
    public String key() {
        return source + '|' + minute;
    }

    @Override
    public String toString() {
        return source + "@" + minute + ": late " + lateCount + ", dead letters " + deadLetterCount;
    }
}
