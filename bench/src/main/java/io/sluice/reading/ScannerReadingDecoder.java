package io.sluice.reading;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.DoubleStream;

/**
 * The readings contract decoded by a hand-written byte scanner: {@link ReadingCodec}'s decoder
 * until issue 9, kept here only as the baseline of the readings-codec benchmark (bench/README.md).
 *
 * <p>One pass over the bytes, no tree, tags from a {@link TagCache}, numbers of up to 15
 * significant digits converted exactly without a String (Clinger's fast path). The field rules are
 * {@link ReadingRules}, as in ReadingCodec, and it is held to the same contract tests. In package
 * io.sluice.reading for those two package-private classes. Not thread-safe.
 */
public final class ScannerReadingDecoder {
    private static final int FAST_DIGITS = 15;
    // 10^0 .. 10^22, the powers of ten that are exact doubles
    private static final double[] POW10 = DoubleStream.iterate(1, x -> x * 10).limit(23).toArray();

    private static final byte[][] KEYS = new byte[ReadingRules.KEYS.length][];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEYS[i] = ascii(ReadingRules.KEYS[i]);
        }
    }

    private final int maxBytes;
    private final ReadingRules rules;
    private final TagCache tags = new TagCache();

    // Scanner state of the record being decoded.
    private byte[] b;
    private int pos;
    private int end;
    private boolean stringHasEscape;
    private boolean numberIsIntegral;
    private boolean numberIsExactLong;
    private long numberLong;

    public ScannerReadingDecoder(ReadingLimits limits) {
        this.maxBytes = limits.maxBytes();
        this.rules = new ReadingRules(limits);
    }

    /** A decoder with the defaults of conf/sluice.properties. */
    public static ScannerReadingDecoder withDefaults() {
        return new ScannerReadingDecoder(ReadingCodec.withDefaults().limits());
    }

    /** As {@link ReadingCodec#decode(byte[], int, int, Reading)}. */
    public Rejection decode(byte[] record, int offset, int length, Reading into) {
        Rejection tooBig = ReadingRules.size(record, length, maxBytes);
        if (tooBig != null) {
            return tooBig;
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
        int seen = 0;
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
                int field = field(key, keyStart, keyEnd);
                Rejection fieldProblem = null;
                if (field < 0) {
                    skipValue(0);
                } else if ((seen & (1 << field)) != 0) {
                    fieldProblem = ReadingRules.duplicate(field);
                    skipValue(0);
                } else {
                    seen |= 1 << field;
                    fieldProblem = readField(field, into);
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
        return problem != null ? problem : ReadingRules.missingField(seen);
    }

    /** The {@link ReadingRules} field a key names, or -1. */
    private int field(byte[] unescaped, int from, int to) {
        for (int i = 0; i < KEYS.length; i++) {
            if (unescaped != null
                    ? Arrays.equals(unescaped, KEYS[i])
                    : Arrays.equals(b, from, to, KEYS[i], 0, KEYS[i].length)) {
                return ReadingRules.fieldOfKey(i);
            }
        }
        return -1;
    }

    private Rejection readField(int field, Reading into) {
        switch (field) {
            case ReadingRules.TAG:
                return readTag(into);
            case ReadingRules.TS:
                return readTimestamp(into);
            case ReadingRules.VALUE:
                return readValue(into);
            default:
                return readQuality(into);
        }
    }

    private Rejection readTag(Reading into) {
        if (peek() != '"') {
            skipValue(0);
            return ReadingRules.tagNotString();
        }
        pos++;
        int start = pos;
        scanStringBody();
        int stop = pos - 1;
        if (stringHasEscape) {
            String tag = unescape(start, stop);
            byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
            if (bytes.length != tag.length() || !ReadingRules.isValidTag(bytes, 0, bytes.length)) {
                return ReadingRules.invalidTag(tag);
            }
            into.tag = tag;
            return null;
        }
        if (!ReadingRules.isValidTag(b, start, stop)) {
            return ReadingRules.invalidTag(
                    new String(b, start, stop - start, StandardCharsets.UTF_8));
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
            return rules.timestampText(text, into);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = pos;
            scanNumber();
            if (!numberIsIntegral) {
                return ReadingRules.fractionalTimestamp(latin1(start, pos));
            }
            if (numberIsExactLong) {
                into.ts = numberLong;
                return rules.inRange(into.ts) ? null : rules.outOfRange(latin1(start, pos));
            }
            return rules.timestampDigits(latin1(start, pos), into);
        }
        skipValue(0);
        return ReadingRules.timestampOfOtherType();
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
                return ReadingRules.nanValue();
            case 'I':
                expectWord("Infinity");
                return ReadingRules.infiniteValue();
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    double value = scanNumber();
                    if (!Double.isFinite(value)) {
                        return ReadingRules.valueBeyondDouble();
                    }
                    into.value = value;
                    return null;
                }
                skipValue(0);
                return ReadingRules.valueOfOtherType();
        }
    }

    private Rejection readQuality(Reading into) {
        byte c = peek();
        if (c == '"') {
            pos++;
            int start = pos;
            scanStringBody();
            String word = stringHasEscape ? unescape(start, pos - 1) : latin1(start, pos - 1);
            return ReadingRules.qualityWord(word, into);
        }
        if (c >= '0' && c <= '9') {
            int start = pos;
            scanNumber();
            return ReadingRules.qualityNumber(latin1(start, pos), numberIsIntegral, into);
        }
        skipValue(0);
        return ReadingRules.qualityOfOtherType();
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
        if (depth > ReadingRules.MAX_DEPTH) {
            throw new SyntaxError("nested deeper than " + ReadingRules.MAX_DEPTH);
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
