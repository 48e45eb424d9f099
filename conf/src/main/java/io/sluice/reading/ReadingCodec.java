package io.sluice.reading;

import io.sluice.config.SluiceConfig;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The readings wire format, both ways: JSON bytes to {@link Reading} and back.
 *
 * <p>The contract is in conf/samples/readings/README.md, and its sample files are this class's test
 * vectors. Decoding scans the bytes once, with no intermediate tree and, for the usual record, no
 * allocation: tags come from a {@link TagCache}, and numbers of up to 15 significant digits are
 * converted exactly without a String (Clinger's fast path). It runs at the head of the job for
 * every record, so it cannot afford a general JSON parser's garbage.
 *
 * <p>Not thread-safe: each thread (each Flink subtask) owns one.
 */
public final class ReadingCodec {
    /** The largest canonical encoding beside the tag's own length. */
    public static final int MAX_ENCODED_OVERHEAD = 96;

    static final int MAX_TAG_LENGTH = 200;
    static final int MAX_SEGMENT_LENGTH = 64;
    private static final int MAX_DEPTH = 32;
    private static final int FAST_DIGITS = 15;
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private static final byte[] TAG = ascii("tag");
    private static final byte[] CHANNEL = ascii("channel");
    private static final byte[] TS = ascii("ts");
    private static final byte[] TIMESTAMP = ascii("timestamp");
    private static final byte[] VALUE = ascii("value");
    private static final byte[] QUALITY = ascii("quality");
    private static final byte[][] QUALITY_TAILS = {
        ascii(",\"quality\":\"good\"}"),
        ascii(",\"quality\":\"uncertain\"}"),
        ascii(",\"quality\":\"bad\"}")
    };

    private final ReadingLimits limits;
    private final int maxBytes;
    private final long minTs;
    private final long maxTs;
    private final TagCache tags = new TagCache();

    // Scanner state of the record being decoded.
    private byte[] b;
    private int pos;
    private int end;
    private boolean stringHasEscape;
    private boolean numberIsIntegral;
    private boolean numberIsExactLong;
    private long numberLong;

    public ReadingCodec(ReadingLimits limits) {
        this.limits = limits;
        // Copied into fields: read for every record.
        this.maxBytes = limits.maxBytes();
        this.minTs = limits.minTs();
        this.maxTs = limits.maxTs();
    }

    /** A codec with the limits of the readings.* configuration keys. */
    public static ReadingCodec fromConfig(SluiceConfig config) {
        return new ReadingCodec(ReadingLimits.fromConfig(config));
    }

    /** What this codec accepts. */
    public ReadingLimits limits() {
        return limits;
    }

    /** A codec with the defaults of conf/sluice.properties. */
    public static ReadingCodec withDefaults() {
        return fromConfig(SluiceConfig.load(java.util.Map.of(), java.util.Map.of()));
    }

    // ---- decoding ---------------------------------------------------------------------------

    /** Decodes a whole record value; see {@link #decode(byte[], int, int, Reading)}. */
    public Rejection decode(byte[] record, Reading into) {
        return decode(record, 0, record == null ? 0 : record.length, into);
    }

    /**
     * Decodes one record value into {@code into}.
     *
     * @return null when it is a reading (then {@code into} holds it), otherwise why it is not (then
     *     {@code into} is left in an unspecified state)
     */
    public Rejection decode(byte[] record, int offset, int length, Reading into) {
        if (record == null || length == 0) {
            return new Rejection(RejectReason.EMPTY, "the record has no bytes");
        }
        if (length > maxBytes) {
            return new Rejection(
                    RejectReason.OVERSIZED,
                    length + " bytes, more than readings.max.bytes=" + maxBytes);
        }
        b = record;
        pos = offset;
        end = offset + length;
        try {
            return readObject(into);
        } catch (SyntaxError e) {
            return new Rejection(
                    RejectReason.NOT_JSON, e.getMessage() + " at byte " + (pos - offset));
        } finally {
            b = null;
        }
    }

    private Rejection readObject(Reading into) {
        skipWhitespace();
        if (peek() != '{') {
            throw new SyntaxError("expected a JSON object");
        }
        pos++;
        boolean hasTag = false;
        boolean hasTs = false;
        boolean hasValue = false;
        boolean hasQuality = false;
        into.quality = Quality.GOOD;
        // The first problem found; the record is still scanned to its end, since broken JSON is
        // the better explanation of a record that has both.
        Rejection problem = null;

        skipWhitespace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipWhitespace();
                expect('"');
                int keyStart = pos;
                scanStringBody();
                int keyEnd = pos - 1;
                byte[] key = stringHasEscape ? ascii(unescape(keyStart, keyEnd)) : null;
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Rejection fieldProblem = null;
                if (isKey(key, keyStart, keyEnd, TAG) || isKey(key, keyStart, keyEnd, CHANNEL)) {
                    if (hasTag) {
                        fieldProblem = duplicate("tag (or channel)");
                        skipValue(0);
                    } else {
                        hasTag = true;
                        fieldProblem = readTag(into);
                    }
                } else if (isKey(key, keyStart, keyEnd, TS)
                        || isKey(key, keyStart, keyEnd, TIMESTAMP)) {
                    if (hasTs) {
                        fieldProblem = duplicate("ts (or timestamp)");
                        skipValue(0);
                    } else {
                        hasTs = true;
                        fieldProblem = readTimestamp(into);
                    }
                } else if (isKey(key, keyStart, keyEnd, VALUE)) {
                    if (hasValue) {
                        fieldProblem = duplicate("value");
                        skipValue(0);
                    } else {
                        hasValue = true;
                        fieldProblem = readValue(into);
                    }
                } else if (isKey(key, keyStart, keyEnd, QUALITY)) {
                    if (hasQuality) {
                        fieldProblem = duplicate("quality");
                        skipValue(0);
                    } else {
                        hasQuality = true;
                        fieldProblem = readQuality(into);
                    }
                } else {
                    skipValue(0);
                }
                if (problem == null) {
                    problem = fieldProblem;
                }
                skipWhitespace();
                byte c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    pos--;
                    throw new SyntaxError("expected ',' or '}'");
                }
            }
        }
        skipWhitespace();
        if (pos != end) {
            throw new SyntaxError("unexpected bytes after the JSON object");
        }
        if (problem != null) {
            return problem;
        }
        if (!hasTag) {
            return new Rejection(RejectReason.MISSING_TAG, "no \"tag\" (or \"channel\") field");
        }
        if (!hasValue) {
            return new Rejection(RejectReason.MISSING_VALUE, "no \"value\" field");
        }
        if (!hasTs) {
            return new Rejection(
                    RejectReason.MISSING_TIMESTAMP, "no \"ts\" (or \"timestamp\") field");
        }
        return null;
    }

    private Rejection readTag(Reading into) {
        if (peek() != '"') {
            skipValue(0);
            return new Rejection(RejectReason.INVALID_TAG, "the tag is not a string");
        }
        pos++;
        int start = pos;
        scanStringBody();
        int stop = pos - 1;
        if (stringHasEscape) {
            String tag = unescape(start, stop);
            byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
            if (bytes.length != tag.length() || !isValidTag(bytes, 0, bytes.length)) {
                return invalidTag(tag);
            }
            into.tag = tag;
            return null;
        }
        if (!isValidTag(b, start, stop)) {
            return invalidTag(new String(b, start, stop - start, StandardCharsets.UTF_8));
        }
        into.tag = tags.lookup(b, start, stop);
        return null;
    }

    private Rejection readTimestamp(Reading into) {
        byte c = peek();
        if (c == '"') {
            pos++;
            int start = pos;
            scanStringBody();
            String text = stringHasEscape ? unescape(start, pos - 1) : latin1(start, pos - 1);
            return parseTimestampText(text, into);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = pos;
            scanNumber();
            if (!numberIsIntegral) {
                return new Rejection(
                        RejectReason.INVALID_TIMESTAMP,
                        "ts " + latin1(start, pos) + " is not whole epoch milliseconds");
            }
            if (numberIsExactLong) {
                into.ts = numberLong;
                return inRange(into.ts) ? null : outOfRange(latin1(start, pos));
            }
            return checkRange(latin1(start, pos), into);
        }
        skipValue(0);
        return new Rejection(
                RejectReason.INVALID_TIMESTAMP,
                "ts is neither epoch milliseconds nor an ISO-8601 string");
    }

    private Rejection parseTimestampText(String text, Reading into) {
        if (!text.isEmpty() && text.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return checkRange(text, into);
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

    private Rejection checkRange(String digits, Reading into) {
        // 18 digits always fit a long; anything longer is out of range anyway.
        if (digits.length() > 18) {
            return outOfRange(digits);
        }
        into.ts = Long.parseLong(digits);
        return inRange(into.ts) ? null : outOfRange(digits);
    }

    private boolean inRange(long ts) {
        return ts >= minTs && ts < maxTs;
    }

    private Rejection outOfRange(String ts) {
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

    private Rejection readValue(Reading into) {
        byte c = peek();
        if (c == '-' && pos + 1 < end && b[pos + 1] == 'I') {
            pos++;
            c = 'I';
        }
        switch (c) {
            case 't':
                expectWord("true");
                into.value = 1;
                return null;
            case 'f':
                expectWord("false");
                into.value = 0;
                return null;
            case 'N':
                expectWord("NaN");
                return new Rejection(RejectReason.NON_FINITE_VALUE, "the value is NaN");
            case 'I':
                expectWord("Infinity");
                return new Rejection(RejectReason.NON_FINITE_VALUE, "the value is infinite");
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    double value = scanNumber();
                    if (!Double.isFinite(value)) {
                        return new Rejection(
                                RejectReason.NON_FINITE_VALUE,
                                "the value is beyond the range of a double");
                    }
                    into.value = value;
                    return null;
                }
                skipValue(0);
                return new Rejection(
                        RejectReason.NON_NUMERIC_VALUE, "the value is not a number or a boolean");
        }
    }

    private Rejection readQuality(Reading into) {
        byte c = peek();
        if (c == '"') {
            pos++;
            int start = pos;
            scanStringBody();
            String word = stringHasEscape ? unescape(start, pos - 1) : latin1(start, pos - 1);
            Quality q = Quality.ofWire(word);
            if (q == null) {
                return new Rejection(
                        RejectReason.INVALID_QUALITY,
                        "quality '"
                                + word
                                + "' is not good, uncertain, bad or an OPC UA status code");
            }
            into.quality = q;
            return null;
        }
        if (c >= '0' && c <= '9') {
            int start = pos;
            scanNumber();
            String digits = latin1(start, pos);
            if (numberIsIntegral
                    && digits.length() <= 10
                    && Long.parseLong(digits) <= 0xFFFF_FFFFL) {
                into.quality = Quality.ofOpcUaStatus(Long.parseLong(digits));
                return null;
            }
            return new Rejection(
                    RejectReason.INVALID_QUALITY,
                    "quality " + digits + " is not a 32-bit OPC UA status code");
        }
        skipValue(0);
        return new Rejection(RejectReason.INVALID_QUALITY, "quality is not a string or a number");
    }

    /** Scans a JSON number and returns its value; sets {@link #numberIsIntegral}. */
    private double scanNumber() {
        int start = pos;
        boolean negative = false;
        if (peek() == '-') {
            negative = true;
            pos++;
        }
        long mantissa = 0;
        int digits = 0;
        int exponent = 0;
        boolean exact = true;
        byte c = peek();
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            while (pos < end && (c = b[pos]) >= '0' && c <= '9') {
                if (digits < FAST_DIGITS) {
                    mantissa = mantissa * 10 + (c - '0');
                    digits++;
                } else {
                    exact = false;
                }
                pos++;
            }
        } else {
            throw new SyntaxError("expected a digit");
        }
        numberIsIntegral = true;
        if (pos < end && b[pos] == '.') {
            numberIsIntegral = false;
            pos++;
            int fractionStart = pos;
            while (pos < end && (c = b[pos]) >= '0' && c <= '9') {
                if (mantissa == 0 && c == '0') {
                    exponent--; // a leading zero of the fraction only moves the point
                } else if (digits < FAST_DIGITS) {
                    mantissa = mantissa * 10 + (c - '0');
                    digits++;
                    exponent--;
                } else {
                    exact = false;
                }
                pos++;
            }
            if (pos == fractionStart) {
                throw new SyntaxError("expected a digit after the decimal point");
            }
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            numberIsIntegral = false;
            pos++;
            boolean negativeExponent = false;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                negativeExponent = b[pos] == '-';
                pos++;
            }
            int exponentStart = pos;
            int e = 0;
            while (pos < end && (c = b[pos]) >= '0' && c <= '9') {
                e = Math.min(e * 10 + (c - '0'), 100_000);
                pos++;
            }
            if (pos == exponentStart) {
                throw new SyntaxError("expected a digit in the exponent");
            }
            exponent += negativeExponent ? -e : e;
        }
        numberIsExactLong = numberIsIntegral && exact;
        numberLong = negative ? -mantissa : mantissa;
        double value;
        if (exact && exponent >= -22 && exponent <= 22) {
            // Both operands are exact doubles, so one correctly rounded operation gives the nearest
            // double.
            value = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
            return negative ? -value : value;
        }
        return Double.parseDouble(latin1(start, pos));
    }

    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw new SyntaxError("nested deeper than " + MAX_DEPTH);
        }
        byte c = peek();
        switch (c) {
            case '"':
                pos++;
                scanStringBody();
                return;
            case '{':
                pos++;
                skipWhitespace();
                if (peek() == '}') {
                    pos++;
                    return;
                }
                while (true) {
                    skipWhitespace();
                    expect('"');
                    scanStringBody();
                    skipWhitespace();
                    expect(':');
                    skipWhitespace();
                    skipValue(depth + 1);
                    skipWhitespace();
                    byte d = next();
                    if (d == '}') {
                        return;
                    }
                    if (d != ',') {
                        pos--;
                        throw new SyntaxError("expected ',' or '}'");
                    }
                }
            case '[':
                pos++;
                skipWhitespace();
                if (peek() == ']') {
                    pos++;
                    return;
                }
                while (true) {
                    skipWhitespace();
                    skipValue(depth + 1);
                    skipWhitespace();
                    byte d = next();
                    if (d == ']') {
                        return;
                    }
                    if (d != ',') {
                        pos--;
                        throw new SyntaxError("expected ',' or ']'");
                    }
                }
            case 't':
                expectWord("true");
                return;
            case 'f':
                expectWord("false");
                return;
            case 'n':
                expectWord("null");
                return;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    scanNumber();
                    return;
                }
                throw new SyntaxError("expected a JSON value");
        }
    }

    /** Scans past a string's closing quote, the opening one already read; sets stringHasEscape. */
    private void scanStringBody() {
        stringHasEscape = false;
        while (pos < end) {
            byte c = b[pos++];
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                stringHasEscape = true;
                if (pos >= end) {
                    break;
                }
                byte e = b[pos++];
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (pos >= end || Character.digit(b[pos++], 16) < 0) {
                            pos--;
                            throw new SyntaxError("bad \\u escape");
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    pos--;
                    throw new SyntaxError("bad escape");
                }
            } else if (c >= 0 && c < 0x20) {
                pos--;
                throw new SyntaxError("control character in a string");
            }
        }
        throw new SyntaxError("unterminated string");
    }

    /** The text of a string body [from, to) with its escapes resolved. */
    private String unescape(int from, int to) {
        String raw = new String(b, from, to - from, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = raw.charAt(++i);
            switch (e) {
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'u':
                    out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                    i += 4;
                    break;
                default:
                    out.append(e);
            }
        }
        return out.toString();
    }

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

    /** True when a tag meets the contract; producers check their tags with it once, up front. */
    public static boolean isValidTag(String tag) {
        byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
        return bytes.length == tag.length() && isValidTag(bytes, 0, bytes.length);
    }

    private static Rejection invalidTag(String tag) {
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

    private static Rejection duplicate(String field) {
        return new Rejection(RejectReason.DUPLICATE_FIELD, field + " is given twice");
    }

    private boolean isKey(byte[] unescaped, int from, int to, byte[] name) {
        return unescaped != null
                ? java.util.Arrays.equals(unescaped, name)
                : java.util.Arrays.equals(b, from, to, name, 0, name.length);
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private byte peek() {
        if (pos >= end) {
            throw new SyntaxError("unexpected end of the record");
        }
        return b[pos];
    }

    private byte next() {
        byte c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new SyntaxError("expected '" + c + "'");
        }
        pos++;
    }

    private void expectWord(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= end || b[pos] != word.charAt(i)) {
                throw new SyntaxError("expected " + word);
            }
            pos++;
        }
    }

    private String latin1(int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    // ---- encoding ---------------------------------------------------------------------------

    /** The canonical encoding of a reading, as a new array. */
    public byte[] encode(Reading reading) {
        byte[] buf = new byte[reading.tag.length() + MAX_ENCODED_OVERHEAD];
        int length = encode(reading, buf, 0);
        return java.util.Arrays.copyOf(buf, length);
    }

    /**
     * Writes the canonical encoding, {@code {"tag":"..","ts":..,"value":..,"quality":".."}}, and
     * returns the offset after it. The buffer needs {@code tag.length() + MAX_ENCODED_OVERHEAD}
     * bytes from {@code offset}. The tag must be valid ({@link #isValidTag(String)}): producers
     * check each tag once rather than on every reading.
     */
    public int encode(Reading reading, byte[] buf, int offset) {
        return encode(reading.tag, reading.ts, reading.value, reading.quality, buf, offset);
    }

    /** {@link #encode(Reading, byte[], int)} from the fields. */
    public int encode(String tag, long ts, double value, Quality quality, byte[] buf, int offset) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("a reading's value must be finite: " + value);
        }
        int p = offset;
        p = put(buf, p, "{\"tag\":\"");
        for (int i = 0; i < tag.length(); i++) {
            buf[p++] = (byte) tag.charAt(i);
        }
        p = put(buf, p, "\",\"ts\":");
        p = putLong(buf, p, ts);
        p = put(buf, p, ",\"value\":");
        p = putDouble(buf, p, value);
        byte[] tail = QUALITY_TAILS[quality.ordinal()];
        System.arraycopy(tail, 0, buf, p, tail.length);
        return p + tail.length;
    }

    /**
     * Writes a double so that it parses back to the same bits. Values with at most three decimals,
     * which SCADA values usually are, take a fast fixed-point path; others Double.toString.
     */
    private static int putDouble(byte[] buf, int p, double value) {
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
        return put(buf, p, Double.toString(value));
    }

    private static int putLong(byte[] buf, int p, long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return put(buf, p, Long.toString(v));
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

    private static int put(byte[] buf, int p, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            buf[p++] = (byte) ascii.charAt(i);
        }
        return p;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Unwinds a syntax error to {@link #decode}; no stack trace, as bad input is routine. */
    private static final class SyntaxError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }
}
