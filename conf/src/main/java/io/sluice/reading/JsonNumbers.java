package io.sluice.reading;

/**
 * Writes JSON numbers as ASCII into a byte array: the number writer of both codecs in conf, the
 * readings one ({@link ReadingCodec}) and the live-updates one ({@code UpdateCodec}).
 */
public final class JsonNumbers {
    /** Room that {@link #putLong} and {@link #putExact} may take. */
    public static final int MAX_CHARS = 32;

    private JsonNumbers() {}

    /** Writes {@code v} at {@code p}; returns the offset after it. */
    public static int putLong(byte[] buf, int p, long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return putAscii(buf, p, Long.toString(v));
            }
            buf[p++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        for (int i = p + digits - 1; i >= p; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + digits;
    }

    /**
     * Writes a finite double so that it parses back to the same bits, and returns the offset after
     * it. Values with at most three decimals, which SCADA values usually are, take a fast
     * fixed-point path (4.217, 42); others Double.toString (-0.0015, 1.0E-7).
     */
    public static int putExact(byte[] buf, int p, double value) {
        double scaled = value * 1000;
        double units = Math.rint(scaled);
        if (units == scaled
                && Math.abs(units) < 1e15
                && Double.doubleToRawLongBits(units / 1000) == Double.doubleToRawLongBits(value)
                && Double.doubleToRawLongBits(value)
                        != Long.MIN_VALUE) { // -0.0 keeps its sign below
            long u = (long) units;
            if (u < 0) {
                buf[p++] = '-';
                u = -u;
            }
            p = putLong(buf, p, u / 1000);
            int frac = (int) (u % 1000);
            if (frac != 0) {
                buf[p++] = '.';
                buf[p++] = (byte) ('0' + frac / 100);
                frac %= 100;
                if (frac != 0) {
                    buf[p++] = (byte) ('0' + frac / 10);
                    frac %= 10;
                    if (frac != 0) {
                        buf[p++] = (byte) ('0' + frac);
                    }
                }
            }
            return p;
        }
        return putAscii(buf, p, Double.toString(value));
    }

    /** Writes ASCII text at {@code p}; returns the offset after it. */
    public static int putAscii(byte[] buf, int p, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            buf[p++] = (byte) ascii.charAt(i);
        }
        return p;
    }
}
