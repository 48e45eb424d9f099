package io.sluice.simulator;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** What a run did, printed at its end. */
public record RunSummary(
        Duration elapsed,
        long sent,
        long acked,
        long failed,
        String firstError,
        Map<RecordKind, Long> kinds,
        int heldBackUnsent) {

    static RunSummary of(Duration elapsed, Firehose firehose, ReadingGenerator generator) {
        Map<RecordKind, Long> kinds = new EnumMap<>(RecordKind.class);
        for (RecordKind kind : RecordKind.values()) {
            kinds.put(kind, generator.count(kind));
        }
        return new RunSummary(
                elapsed,
                firehose.sent(),
                firehose.acked(),
                firehose.failed(),
                firehose.firstError(),
                kinds,
                generator.heldBack());
    }

    /** Records per second over the whole run. */
    public double rate() {
        return sent / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        "summary: %,d records in %.1f s (%,.0f records/s): %,d acknowledged, %,d failed%n",
                        sent, elapsed.toMillis() / 1000.0, rate(), acked, failed));
        s.append("  kinds:");
        kinds.forEach(
                (kind, n) -> s.append(String.format(" %s %,d", kind.name().toLowerCase(), n)));
        s.append(String.format("%n  held back at the end, never sent: %,d", heldBackUnsent));
        if (firstError != null) {
            s.append(String.format("%n  first error: %s", firstError));
        }
        return s.toString();
    }
}
