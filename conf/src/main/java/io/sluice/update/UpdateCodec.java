package io.sluice.update;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.reading.Quality;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The live-updates wire format, both ways: the JSON of a Redis stream entry ({@link GroupUpdate})
 * and of a latest-values hash field ({@link TagUpdate}).
 *
 * <p>The contract is in conf/samples/updates/README.md, and its sample files are this class's test
 * vectors. The job encodes; websocket-sink decodes (or forwards the stream entry's JSON to browsers
 * as it is: it is the Pusher event's data). Hand-written like {@code ReadingCodec}, since conf has
 * no JSON library.
 *
 * <pre>
 * message: {"w":1000,"s":1795735268000,"t":{"pump007.pressure":[10,4.102,4.931,4.51235,0.256121,4.49871,4.9,0,0]}}
 *          per tag: [n, min, max, mean, sd, twa, last, q, r]
 * latest:  [1795735268000,10,4.102,4.931,4.51235,0.256121,4.49871,4.9,0,0]
 *          [s, n, min, max, mean, sd, twa, last, q, r]
 * </pre>
 *
 * <p>Decoding ignores object fields it does not know and array elements after the last one it
 * knows, so the format can grow by adding fields and appending elements. Immutable and thread-safe.
 */
public final class UpdateCodec {
    /** Default of {@code redis.value.digits}: significant digits of mean, sd and twa. */
    public static final int DEFAULT_DIGITS = 6;

    /** Elements of a tag's array in a message. */
    public static final int MESSAGE_TAG_FIELDS = 9;

    /** Elements of a latest value. */
    public static final int LATEST_FIELDS = 10;

    private static final int MAX_DIGITS = 17;
    private static final double[] POW10 = new double[23];
    private static final long[] LONG_POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
        LONG_POW10[0] = 1;
        for (int i = 1; i < LONG_POW10.length; i++) {
            LONG_POW10[i] = LONG_POW10[i - 1] * 10;
        }
    }

    private final int digits;
    private final MathContext context;

    /** A codec that rounds mean, sd and twa to {@code digits} significant digits (1 to 17). */
    public UpdateCodec(int digits) {
        if (digits < 1 || digits > MAX_DIGITS) {
            throw new IllegalArgumentException("digits must be 1 to " + MAX_DIGITS + ": " + digits);
        }
        this.digits = digits;
        this.context = new MathContext(digits);
    }

    /** A codec with {@value #DEFAULT_DIGITS} significant digits. */
    public static UpdateCodec withDefaults() {
        return new UpdateCodec(DEFAULT_DIGITS);
    }

    /** A codec with the digits of {@code redis.value.digits}. */
    public static UpdateCodec fromConfig(SluiceConfig config) {
        int d = config.getInt(ConfigKeys.REDIS_VALUE_DIGITS);
        if (d < 1 || d > MAX_DIGITS) {
            throw config.invalid(ConfigKeys.REDIS_VALUE_DIGITS, "must be 1 to " + MAX_DIGITS);
        }
        return new UpdateCodec(d);
    }

    public int digits() {
        return digits;
    }

    // ---- encoding ---------------------------------------------------------------------------

    /**
     * The JSON of a stream entry's {@value UpdateKeys#FIELD_DATA} field: {@code {"w":<window
     * ms>,"s":<window start>,"t":{"<name>":[n,min,max,mean,sd,twa,last,q,r],...}}}, the tags in the
     * update's order.
     */
    public byte[] encodeMessage(GroupUpdate update) {
        Out out = new Out(32 + update.tags().size() * 64);
        out.ascii("{\"w\":").longValue(update.windowMs());
        out.ascii(",\"s\":").longValue(update.windowStart());
        out.ascii(",\"t\":{");
        boolean first = true;
        for (TagUpdate t : update.tags()) {
            if (!first) {
                out.b(',');
            }
            first = false;
            out.string(t.name()).b(':').b('[');
            figures(out, t);
            out.b(']');
        }
        return out.ascii("}}").toArray();
    }

    /**
     * The value of a tag's field in a latest-values hash: {@code
     * [s,n,min,max,mean,sd,twa,last,q,r]}.
     */
    public byte[] encodeLatest(TagUpdate update) {
        Out out = new Out(80);
        out.b('[').longValue(update.windowStart()).b(',');
        figures(out, update);
        return out.b(']').toArray();
    }

    /** n, min, max, mean, sd, twa, last, q, r. */
    private void figures(Out out, TagUpdate t) {
        out.longValue(t.count()).b(',');
        exact(out, t.min());
        out.b(',');
        exact(out, t.max());
        out.b(',');
        rounded(out, t.mean());
        out.b(',');
        rounded(out, t.sd());
        out.b(',');
        rounded(out, t.twa());
        out.b(',');
        exact(out, t.last());
        out.b(',').longValue(t.quality().ordinal());
        out.b(',').longValue(t.revision());
    }

    /**
     * A double so that it reads back to the same value; at most three decimals take a fast path.
     */
    private static void exact(Out out, double v) {
        if (!Double.isFinite(v)) {
            out.ascii("null");
            return;
        }
        double scaled = v * 1000;
        double units = Math.rint(scaled);
        if (units == scaled
                && Math.abs(units) < 1e15
                && units / 1000 == v
                && Double.doubleToRawLongBits(v) != Long.MIN_VALUE) { // -0.0 keeps its sign below
            decimal(out, (long) units, 3);
            return;
        }
        out.ascii(Double.toString(v));
    }

    /** A double rounded to {@link #digits} significant digits. */
    private void rounded(Out out, double v) {
        if (!Double.isFinite(v)) {
            out.ascii("null");
            return;
        }
        if (v == 0) {
            out.b('0');
            return;
        }
        int exponent = (int) Math.floor(Math.log10(Math.abs(v)));
        int decimals = digits - 1 - exponent;
        if (decimals >= 0 && decimals < LONG_POW10.length && Math.abs(v) * POW10[decimals] < 1e15) {
            decimal(out, Math.round(v * POW10[decimals]), decimals);
        } else if (decimals < 0 && -decimals < LONG_POW10.length && Math.abs(v) < 1e18) {
            long unit = LONG_POW10[-decimals];
            out.longValue(Math.round(v / unit) * unit);
        } else {
            out.ascii(new BigDecimal(v).round(context).stripTrailingZeros().toString());
        }
    }

    /** The text of an exactly written double, for tests. */
    static String exactText(double v) {
        Out out = new Out(32);
        exact(out, v);
        return new String(out.toArray(), StandardCharsets.US_ASCII);
    }

    /** The text of a rounded double, for tests. */
    String roundedText(double v) {
        Out out = new Out(32);
        rounded(out, v);
        return new String(out.toArray(), StandardCharsets.US_ASCII);
    }

    /** {@code units / 10^decimals} without trailing zeros: 4512350, 6 is 4.51235. */
    private static void decimal(Out out, long units, int decimals) {
        while (decimals > 0 && units % 10 == 0) {
            units /= 10;
            decimals--;
        }
        if (decimals == 0) {
            out.longValue(units);
            return;
        }
        if (units < 0) {
            out.b('-');
            units = -units;
        }
        long scale = LONG_POW10[decimals];
        out.longValue(units / scale).b('.');
        long fraction = units % scale;
        for (long d = scale / 10; d > 0; d /= 10) {
            out.b((char) ('0' + fraction / d % 10));
        }
    }

    // ---- decoding ---------------------------------------------------------------------------

    /**
     * Decodes a stream entry: its {@value UpdateKeys#FIELD_GROUP} field and its {@value
     * UpdateKeys#FIELD_DATA} JSON.
     *
     * @throws IllegalArgumentException if the JSON is not a live-update message
     */
    public GroupUpdate decodeMessage(String group, byte[] data) {
        Parser p = new Parser(data);
        long windowMs = 0;
        Long windowStart = null;
        List<String> names = null;
        List<double[]> figures = null;
        p.expect('{');
        if (!p.consume('}')) {
            do {
                String key = p.string();
                p.expect(':');
                switch (key) {
                    case "w":
                        windowMs = p.longValue();
                        break;
                    case "s":
                        windowStart = p.longValue();
                        break;
                    case "t":
                        names = new ArrayList<>();
                        figures = new ArrayList<>();
                        p.expect('{');
                        if (!p.consume('}')) {
                            do {
                                names.add(p.string());
                                p.expect(':');
                                figures.add(p.numbers(MESSAGE_TAG_FIELDS));
                            } while (p.consume(','));
                            p.expect('}');
                        }
                        break;
                    default:
                        p.skipValue(0);
                }
            } while (p.consume(','));
            p.expect('}');
        }
        p.end();
        if (windowMs <= 0 || windowStart == null || names == null) {
            throw new IllegalArgumentException(
                    "not a live-update message: it needs \"w\" (positive), \"s\" and \"t\"");
        }
        List<TagUpdate> tags = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            tags.add(tagUpdate(names.get(i), windowStart, figures.get(i), 0));
        }
        return new GroupUpdate(group, windowMs, windowStart, tags);
    }

    /**
     * Decodes a latest-values hash field: the tag's name (the hash field) and its value.
     *
     * @throws IllegalArgumentException if the value is not a latest value
     */
    public TagUpdate decodeLatest(String name, byte[] value) {
        Parser p = new Parser(value);
        double[] f = p.numbers(LATEST_FIELDS);
        p.end();
        return tagUpdate(name, integral(f[0], "s"), f, 1);
    }

    private static TagUpdate tagUpdate(String name, long windowStart, double[] f, int from) {
        long q = integral(f[from + 7], "q");
        if (q < 0 || q > 2) {
            throw new IllegalArgumentException("q must be 0, 1 or 2: " + q);
        }
        long r = integral(f[from + 8], "r");
        if (r < 0 || r > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("r must be a revision number: " + r);
        }
        return new TagUpdate(
                name,
                windowStart,
                integral(f[from], "n"),
                f[from + 1],
                f[from + 2],
                f[from + 3],
                f[from + 4],
                f[from + 5],
                f[from + 6],
                Quality.ofOrdinal((int) q),
                (int) r);
    }

    private static long integral(double v, String what) {
        if (!(Math.abs(v) < 9.007199254740992E15) || v != Math.rint(v)) {
            throw new IllegalArgumentException(what + " must be a whole number: " + v);
        }
        return (long) v;
    }

    /**
     * A strict scanner of the JSON this codec writes, tolerant of whitespace and unknown fields.
     */
    private static final class Parser {
        private static final int MAX_DEPTH = 32;
        private final byte[] b;
        private int pos;

        Parser(byte[] bytes) {
            if (bytes == null) {
                throw new IllegalArgumentException("no bytes");
            }
            this.b = bytes;
        }

        void expect(char c) {
            skipWhitespace();
            if (pos >= b.length || b[pos] != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        boolean consume(char c) {
            skipWhitespace();
            if (pos < b.length && b[pos] == c) {
                pos++;
                return true;
            }
            return false;
        }

        void end() {
            skipWhitespace();
            if (pos != b.length) {
                throw error("unexpected bytes after the JSON value");
            }
        }

        String string() {
            expect('"');
            StringBuilder s = new StringBuilder();
            int start = pos;
            while (true) {
                if (pos >= b.length) {
                    throw error("unterminated string");
                }
                byte c = b[pos];
                if (c == '"') {
                    break;
                }
                if (c >= 0 && c < 0x20) {
                    throw error("control character in a string");
                }
                if (c == '\\') {
                    s.append(new String(b, start, pos - start, StandardCharsets.UTF_8));
                    pos++;
                    if (pos >= b.length) {
                        throw error("unterminated string");
                    }
                    char e = (char) b[pos++];
                    switch (e) {
                        case '"':
                        case '\\':
                        case '/':
                            s.append(e);
                            break;
                        case 'b':
                            s.append('\b');
                            break;
                        case 'f':
                            s.append('\f');
                            break;
                        case 'n':
                            s.append('\n');
                            break;
                        case 'r':
                            s.append('\r');
                            break;
                        case 't':
                            s.append('\t');
                            break;
                        case 'u':
                            if (pos + 4 > b.length) {
                                throw error("bad \\u escape");
                            }
                            try {
                                s.append(
                                        (char)
                                                Integer.parseInt(
                                                        new String(
                                                                b,
                                                                pos,
                                                                4,
                                                                StandardCharsets.US_ASCII),
                                                        16));
                            } catch (NumberFormatException ex) {
                                throw error("bad \\u escape");
                            }
                            pos += 4;
                            break;
                        default:
                            throw error("bad escape");
                    }
                    start = pos;
                    continue;
                }
                pos++;
            }
            s.append(new String(b, start, pos - start, StandardCharsets.UTF_8));
            pos++;
            return s.toString();
        }

        /**
         * An array of at least {@code count} numbers (null is NaN); further elements are skipped.
         */
        double[] numbers(int count) {
            expect('[');
            double[] values = new double[count];
            int n = 0;
            if (!consume(']')) {
                do {
                    if (n < count) {
                        values[n] = number();
                    } else {
                        skipValue(1);
                    }
                    n++;
                } while (consume(','));
                expect(']');
            }
            if (n < count) {
                throw error("an array of " + n + " elements where " + count + " are needed");
            }
            return values;
        }

        long longValue() {
            double v = number();
            return integral(v, "a whole number");
        }

        double number() {
            skipWhitespace();
            if (pos + 4 <= b.length
                    && b[pos] == 'n'
                    && b[pos + 1] == 'u'
                    && b[pos + 2] == 'l'
                    && b[pos + 3] == 'l') {
                pos += 4;
                return Double.NaN;
            }
            int start = pos;
            if (pos < b.length && b[pos] == '-') {
                pos++;
            }
            int digitsStart = pos;
            while (pos < b.length
                    && (isDigit(b[pos])
                            || b[pos] == '.'
                            || b[pos] == 'e'
                            || b[pos] == 'E'
                            || ((b[pos] == '+' || b[pos] == '-')
                                    && pos > start
                                    && (b[pos - 1] == 'e' || b[pos - 1] == 'E')))) {
                pos++;
            }
            if (pos == digitsStart || !isDigit(b[digitsStart])) {
                throw error("expected a number");
            }
            String text = new String(b, start, pos - start, StandardCharsets.US_ASCII);
            try {
                double v = Double.parseDouble(text);
                if (!Double.isFinite(v)) {
                    throw error("number out of range: " + text);
                }
                return v;
            } catch (NumberFormatException e) {
                throw error("not a number: " + text);
            }
        }

        void skipValue(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH);
            }
            skipWhitespace();
            if (pos >= b.length) {
                throw error("expected a JSON value");
            }
            switch (b[pos]) {
                case '"':
                    string();
                    return;
                case '{':
                    pos++;
                    if (!consume('}')) {
                        do {
                            string();
                            expect(':');
                            skipValue(depth + 1);
                        } while (consume(','));
                        expect('}');
                    }
                    return;
                case '[':
                    pos++;
                    if (!consume(']')) {
                        do {
                            skipValue(depth + 1);
                        } while (consume(','));
                        expect(']');
                    }
                    return;
                case 't':
                    word("true");
                    return;
                case 'f':
                    word("false");
                    return;
                default:
                    number();
            }
        }

        private void word(String w) {
            for (int i = 0; i < w.length(); i++) {
                if (pos >= b.length || b[pos] != w.charAt(i)) {
                    throw error("expected " + w);
                }
                pos++;
            }
        }

        private void skipWhitespace() {
            while (pos < b.length
                    && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
                pos++;
            }
        }

        private static boolean isDigit(byte c) {
            return c >= '0' && c <= '9';
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not a live update: " + what + " at byte " + pos);
        }
    }

    /** A growable byte buffer of ASCII JSON. */
    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[Math.max(capacity, 16)];
        }

        Out b(char c) {
            ensure(1);
            buf[size++] = (byte) c;
            return this;
        }

        Out ascii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[size++] = (byte) s.charAt(i);
            }
            return this;
        }

        Out longValue(long v) {
            if (v < 0) {
                if (v == Long.MIN_VALUE) {
                    return ascii(Long.toString(v));
                }
                b('-');
                v = -v;
            }
            int n = 1;
            for (long t = v; t >= 10; t /= 10) {
                n++;
            }
            ensure(n);
            for (int i = size + n - 1; i >= size; i--) {
                buf[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            size += n;
            return this;
        }

        /** A JSON string; tags are plain ASCII, anything else is escaped or written as UTF-8. */
        Out string(String s) {
            b('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b('\\').b(c);
                } else if (c < 0x20) {
                    ascii(String.format("\\u%04x", (int) c));
                } else if (c < 0x80) {
                    b(c);
                } else {
                    int end = i + 1;
                    while (end < s.length() && s.charAt(end) >= 0x80) {
                        end++;
                    }
                    byte[] utf8 = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                    ensure(utf8.length);
                    System.arraycopy(utf8, 0, buf, size, utf8.length);
                    size += utf8.length;
                    i = end - 1;
                }
            }
            return b('"');
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }
    }
}
