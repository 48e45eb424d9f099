package io.sluice.update;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.reading.JsonNumbers;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * The live-updates wire format, both ways: the JSON of a Redis stream entry ({@link GroupUpdate})
 * and of a latest-values hash field ({@link TagUpdate}).
 *
 * <p>The contract is in conf/samples/updates/README.md, and its sample files are this class's test
 * vectors. The job encodes, on its hot path, with a hand-written writer; websocket-sink decodes (or
 * forwards the stream entry's JSON to browsers as it is: it is the Pusher event's data) with
 * Jackson's streaming parser, in {@link UpdateDecoder}.
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
    // 10^0 .. 10^18, the powers of ten a long holds
    private static final long[] LONG_POW10 = LongStream.iterate(1, x -> x * 10).limit(19).toArray();

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
        out.exact(v);
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
        // A power of ten up to 10^18 is an exact double, as the scaling needs.
        double scale = decimals >= 0 && decimals < LONG_POW10.length ? LONG_POW10[decimals] : 0;
        if (scale != 0 && Math.abs(v) * scale < 1e15) {
            decimal(out, Math.round(v * scale), decimals);
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
        return UpdateDecoder.message(group, data);
    }

    /**
     * Decodes a latest-values hash field: the tag's name (the hash field) and its value.
     *
     * @throws IllegalArgumentException if the value is not a latest value
     */
    public TagUpdate decodeLatest(String name, byte[] value) {
        return UpdateDecoder.latest(name, value);
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
            ensure(JsonNumbers.MAX_CHARS);
            size = JsonNumbers.putLong(buf, size, v);
            return this;
        }

        /** A finite double, so that it reads back to the same value. */
        Out exact(double v) {
            ensure(JsonNumbers.MAX_CHARS);
            size = JsonNumbers.putExact(buf, size, v);
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
