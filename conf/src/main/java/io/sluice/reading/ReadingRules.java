package io.sluice.reading;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The readings contract field by field, apart from the JSON syntax around the fields.
 *
 * <p>{@link ReadingCodec}'s scanner applies these rules, and so does the Jackson streaming decoder
 * it is benchmarked against (bench/, issue 9): one copy of the contract, so that the benchmark
 * compares JSON parsing and nothing else.
 */
final class ReadingRules {
    static final int MAX_TAG_LENGTH = 200;
    static final int MAX_SEGMENT_LENGTH = 64;

    /** How deep a field's value may nest; deeper is not JSON this contract reads. */
    static final int MAX_DEPTH = 32;

    /** The fields, as bits of a record's set of fields seen. */
    static final int TAG = 0;

    static final int TS = 1;
    static final int VALUE = 2;
    static final int QUALITY = 3;

    /** The keys the contract reads (legacy aliases included), and the field each one gives. */
    static final String[] KEYS = {"tag", "channel", "ts", "timestamp", "value", "quality"};

    private static final int[] KEY_FIELDS = {TAG, TAG, TS, TS, VALUE, QUALITY};
    private static final String[] FIELD_NAMES = {
        "tag (or channel)", "ts (or timestamp)", "value", "quality"
    };

    private final long minTs;
    private final long maxTs;

    ReadingRules(ReadingLimits limits) {
        this.minTs = limits.minTs();
        this.maxTs = limits.maxTs();
    }

    /**
     * Why a record of {@code length} bytes cannot be a reading, before its JSON is read; or null.
     */
    static Rejection size(byte[] record, int length, int maxBytes) {
        if (record == null || length == 0) {
            return new Rejection(RejectReason.EMPTY, "the record has no bytes");
        }
        if (length > maxBytes) {
            return new Rejection(
                    RejectReason.OVERSIZED,
                    length + " bytes, more than readings.max.bytes=" + maxBytes);
        }
        return null;
    }

    /** The field of the key at {@code index} of {@link #KEYS}. */
    static int fieldOfKey(int index) {
        return KEY_FIELDS[index];
    }

    /** The field a key names, or -1 for a field to ignore. */
    static int field(String key) {
        for (int i = 0; i < KEYS.length; i++) {
            if (KEYS[i].equals(key)) {
                return KEY_FIELDS[i];
            }
        }
        return -1;
    }

    static Rejection duplicate(int field) {
        return new Rejection(RejectReason.DUPLICATE_FIELD, FIELD_NAMES[field] + " is given twice");
    }

    /** Why a record whose fields were read without a problem is still not a reading, or null. */
    static Rejection missingField(int seen) {
        if ((seen & (1 << TAG)) == 0) {
            return new Rejection(RejectReason.MISSING_TAG, "no \"tag\" (or \"channel\") field");
        }
        if ((seen & (1 << VALUE)) == 0) {
            return new Rejection(RejectReason.MISSING_VALUE, "no \"value\" field");
        }
        if ((seen & (1 << TS)) == 0) {
            return new Rejection(
                    RejectReason.MISSING_TIMESTAMP, "no \"ts\" (or \"timestamp\") field");
        }
        return null;
    }

    // ---- tag --------------------------------------------------------------------------------

    /** Dot-separated segments of [A-Za-z0-9_-], none empty, within the length limits. */
    static boolean isValidTag(byte[] buf, int from, int to) {
        int length = to - from;
        if (length == 0 || length > MAX_TAG_LENGTH) {
            return false;
        }
        int segment = 0;
        for (int i = from; i < to; i++) {
            byte c = buf[i];
            if (c == '.') {
                if (segment == 0) {
                    return false;
                }
                segment = 0;
            } else if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '-') {
                if (++segment > MAX_SEGMENT_LENGTH) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return segment > 0;
    }

    static Rejection invalidTag(String tag) {
        return new Rejection(
                RejectReason.INVALID_TAG,
                "tag '"
                        + tag
                        + "' is not dot-separated segments of [A-Za-z0-9_-] (at most "
                        + MAX_SEGMENT_LENGTH
                        + " each, "
                        + MAX_TAG_LENGTH
                        + " in all)");
    }

    static Rejection tagNotString() {
        return new Rejection(RejectReason.INVALID_TAG, "the tag is not a string");
    }

    // ---- ts ---------------------------------------------------------------------------------

    /** A string ts: digits of epoch milliseconds, or ISO-8601 with a zone offset. */
    Rejection timestampText(String text, Reading into) {
        if (!text.isEmpty() && text.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return timestampDigits(text, into);
        }
        try {
            into.ts =
                    OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                            .toInstant()
                            .toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return new Rejection(
                    RejectReason.INVALID_TIMESTAMP,
                    "ts '"
                            + text
                            + "' is neither epoch milliseconds nor ISO-8601 with a zone offset");
        }
        return inRange(into.ts) ? null : outOfRange(text);
    }

    /** An integral ts, as written (a minus sign and digits). */
    Rejection timestampDigits(String digits, Reading into) {
        // 18 digits always fit a long; anything longer is out of range anyway.
        if (digits.length() > 18) {
            return outOfRange(digits);
        }
        into.ts = Long.parseLong(digits);
        return inRange(into.ts) ? null : outOfRange(digits);
    }

    boolean inRange(long ts) {
        return ts >= minTs && ts < maxTs;
    }

    Rejection outOfRange(String ts) {
        return new Rejection(
                RejectReason.TIMESTAMP_OUT_OF_RANGE,
                "ts "
                        + ts
                        + " is outside "
                        + Instant.ofEpochMilli(minTs)
                        + " .. "
                        + Instant.ofEpochMilli(maxTs)
                        + " (epoch seconds instead of milliseconds?)");
    }

    static Rejection fractionalTimestamp(String number) {
        return new Rejection(
                RejectReason.INVALID_TIMESTAMP,
                "ts " + number + " is not whole epoch milliseconds");
    }

    static Rejection timestampOfOtherType() {
        return new Rejection(
                RejectReason.INVALID_TIMESTAMP,
                "ts is neither epoch milliseconds nor an ISO-8601 string");
    }

    // ---- value ------------------------------------------------------------------------------

    static Rejection nanValue() {
        return new Rejection(RejectReason.NON_FINITE_VALUE, "the value is NaN");
    }

    static Rejection infiniteValue() {
        return new Rejection(RejectReason.NON_FINITE_VALUE, "the value is infinite");
    }

    static Rejection valueBeyondDouble() {
        return new Rejection(
                RejectReason.NON_FINITE_VALUE, "the value is beyond the range of a double");
    }

    static Rejection valueOfOtherType() {
        return new Rejection(
                RejectReason.NON_NUMERIC_VALUE, "the value is not a number or a boolean");
    }

    // ---- quality ----------------------------------------------------------------------------

    /** A quality word: good, uncertain or bad, any case. */
    static Rejection qualityWord(String word, Reading into) {
        Quality q = Quality.ofWire(word);
        if (q == null) {
            return new Rejection(
                    RejectReason.INVALID_QUALITY,
                    "quality '" + word + "' is not good, uncertain, bad or an OPC UA status code");
        }
        into.quality = q;
        return null;
    }

    /** A quality number that starts with a digit: an OPC UA status code if it is one. */
    static Rejection qualityNumber(String number, boolean integral, Reading into) {
        if (integral && number.length() <= 10 && Long.parseLong(number) <= 0xFFFF_FFFFL) {
            into.quality = Quality.ofOpcUaStatus(Long.parseLong(number));
            return null;
        }
        return new Rejection(
                RejectReason.INVALID_QUALITY,
                "quality " + number + " is not a 32-bit OPC UA status code");
    }

    static Rejection qualityOfOtherType() {
        return new Rejection(RejectReason.INVALID_QUALITY, "quality is not a string or a number");
    }
}
