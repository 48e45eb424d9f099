package io.sluice.reading;

import java.util.Locale;

/**
 * How far a reading can be trusted, worst last, so that "worst quality" is the maximum ordinal.
 *
 * <p>OPC UA status codes map by their two top bits (the severity): 00 good, 01 uncertain, 10 bad.
 * The reserved severity 11 counts as bad, since nothing vouches for such a value.
 */
public enum Quality {
    GOOD,
    UNCERTAIN,
    BAD;

    private static final Quality[] VALUES = values();

    /** The word used on the wire: good, uncertain or bad. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The quality of an OPC UA status code (an unsigned 32-bit number). */
    public static Quality ofOpcUaStatus(long statusCode) {
        if (statusCode < 0 || statusCode > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not a 32-bit OPC UA status code: " + statusCode);
        }
        int severity = (int) (statusCode >>> 30);
        return severity == 0 ? GOOD : severity == 1 ? UNCERTAIN : BAD;
    }

    /** The quality named by a wire word, any case; null when it names none. */
    public static Quality ofWire(String word) {
        for (Quality q : VALUES) {
            if (q.name().equalsIgnoreCase(word)) {
                return q;
            }
        }
        return null;
    }

    public static Quality ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** The worse of two qualities. */
    public static Quality worst(Quality a, Quality b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
