package io.sluice.reading;

/**
 * Reads a record that is exactly in the canonical encoding ({@link ReadingCodec#encode}) without a
 * JSON parser: {@code {"tag":"..","ts":..,"value":..,"quality":"good|uncertain|bad"}}, fields in
 * that order, no white space, a plain decimal value. That is what the simulator and any producer
 * using the codec send, so nearly every record takes this path.
 *
 * <p>It only ever accepts: a record it is not sure of (another field order, white space, an escape,
 * an exponent, more than 15 significant digits, a rule broken) returns false, and the codec reads
 * it with Jackson, which then decides, with the same result as if this path did not exist. A value
 * is exact: with at most 15 significant digits and no exponent, digits / 10^k is one correctly
 * rounded division of two exact doubles, the double that Double.parseDouble gives.
 */
final class CanonicalScan {
    private static final byte[] TAG = ascii(ReadingCodec.BEFORE_TAG);
    private static final byte[] TS = ascii(ReadingCodec.BEFORE_TS);
    private static final byte[] VALUE = ascii(ReadingCodec.BEFORE_VALUE);

    /** Exact powers of ten as doubles: 10^22 is the largest. */
    private static final double[] POWERS = new double[23];

    /** Below 10^15 every integer, and its quotient by an exact power of ten, is exact. */
    private static final long MAX_DIGITS_VALUE = 999_999_999_999_999L;

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    private final ReadingRules rules;
    private final TagCache tags;

    CanonicalScan(ReadingRules rules, TagCache tags) {
        this.rules = rules;
        this.tags = tags;
    }

    /** Fills {@code into} and returns true if the record is canonical and a valid reading. */
    boolean read(byte[] b, int from, int length, Reading into) {
        int end = from + length;
        int p = literal(b, from, end, TAG);
        if (p < 0) {
            return false;
        }
        int tagStart = p;
        int hash = TagCache.HASH_SEED; // summed on the way, so the cache need not read it again
        while (p < end && b[p] != '"') {
            hash = 31 * hash + b[p];
            p++;
        }
        if (p == end) {
            return false;
        }
        // The cache holds only valid tags: a tag seen before needs no check.
        String tag = tags.cached(b, tagStart, p, TagCache.mix(hash));
        if (tag == null) {
            if (!ReadingRules.isValidTag(b, tagStart, p)) {
                return false; // also: an escape, which a valid tag cannot hold
            }
            tag = tags.lookup(b, tagStart, p);
        }
        p = literal(b, p, end, TS);
        if (p < 0) {
            return false;
        }
        // ts: -?[1-9][0-9]* or 0, at most 18 digits (no overflow)
        boolean negative = p < end && b[p] == '-';
        if (negative) {
            p++;
        }
        int digitsStart = p;
        long ts = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            ts = ts * 10 + (b[p] - '0');
            p++;
        }
        int digits = p - digitsStart;
        if (digits == 0 || digits > 18 || (b[digitsStart] == '0' && digits > 1)) {
            return false;
        }
        ts = negative ? -ts : ts;
        if (!rules.inRange(ts)) {
            return false;
        }
        p = literal(b, p, end, VALUE);
        if (p < 0) {
            return false;
        }
        p = value(b, p, end, into);
        if (p < 0) {
            return false;
        }
        for (int q = 0; q < ReadingCodec.QUALITY_TAILS.length; q++) {
            if (literal(b, p, end, ReadingCodec.QUALITY_TAILS[q]) == end) {
                into.tag = tag;
                into.ts = ts;
                into.quality = Quality.ofOrdinal(q);
                return true;
            }
        }
        return false;
    }

    /** Reads a plain decimal number into {@code into.value}; returns the offset after it, or -1. */
    private static int value(byte[] b, int p, int end, Reading into) {
        boolean negative = p < end && b[p] == '-';
        if (negative) {
            p++;
        }
        int intStart = p;
        long digits = 0;
        int significant = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            digits = digits * 10 + (b[p] - '0');
            if (digits != 0) {
                significant++;
            }
            p++;
        }
        int intDigits = p - intStart;
        if (intDigits == 0 || (b[intStart] == '0' && intDigits > 1)) {
            return -1;
        }
        int fraction = 0;
        if (p < end && b[p] == '.') {
            p++;
            int fracStart = p;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                digits = digits * 10 + (b[p] - '0');
                if (digits != 0) {
                    significant++;
                }
                p++;
            }
            fraction = p - fracStart;
            if (fraction == 0) {
                return -1;
            }
        }
        if (significant > 15 || digits > MAX_DIGITS_VALUE || fraction >= POWERS.length) {
            return -1;
        }
        double v = fraction == 0 ? (double) digits : digits / POWERS[fraction];
        into.value = negative ? -v : v;
        return p;
    }

    /** The offset after {@code word} if it is at {@code p}, or -1. */
    private static int literal(byte[] b, int p, int end, byte[] word) {
        if (end - p < word.length) {
            return -1;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[p + i] != word[i]) {
                return -1;
            }
        }
        return p + word.length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
