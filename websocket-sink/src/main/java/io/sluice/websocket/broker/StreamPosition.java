package io.sluice.websocket.broker;

/**
 * A position in a stream: the id {@code <ms>-<seq>} of an entry, as Redis Streams make them and as
 * clients see it (an event's {@code id}, a resuming client's {@code last_id}). Ordered by time,
 * then by sequence.
 *
 * @param ms the entry's time, epoch milliseconds
 * @param seq its sequence number within that millisecond
 */
public record StreamPosition(long ms, long seq) implements Comparable<StreamPosition> {
    /** Before every entry: 0-0. */
    public static final StreamPosition ZERO = new StreamPosition(0, 0);

    public StreamPosition {
        if (ms < 0 || seq < 0) {
            throw new IllegalArgumentException(
                    "a stream position is not negative: " + ms + "-" + seq);
        }
    }

    /**
     * Reads {@code <ms>-<seq>}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static StreamPosition parse(String text) {
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1) {
            throw new IllegalArgumentException(
                    "not a stream position like 1795735268000-0: " + text);
        }
        return new StreamPosition(digits(text, 0, dash), digits(text, dash + 1, text.length()));
    }

    private static long digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(
                        "not a stream position like 1795735268000-0: " + text);
            }
        }
        try {
            return Long.parseLong(text, from, to, 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stream position out of range: " + text);
        }
    }

    /**
     * The position right after this one within the same millisecond, or the next millisecond's
     * first.
     */
    public StreamPosition next(long nowMs) {
        return nowMs > ms ? new StreamPosition(nowMs, 0) : new StreamPosition(ms, seq + 1);
    }

    @Override
    public int compareTo(StreamPosition o) {
        int c = Long.compare(ms, o.ms);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }

    /** The wire form, {@code <ms>-<seq>}. */
    @Override
    public String toString() {
        return ms + "-" + seq;
    }
}
