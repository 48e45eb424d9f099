package io.sluice.update;

import io.sluice.reading.Quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link UpdateCodec}'s decoding half: Jackson's streaming parser over the live-updates JSON.
 *
 * <p>Only websocket-sink (and tests) decode updates; the job encodes them, on its hot path, with
 * UpdateCodec's own writer.
 */
final class UpdateDecoder {
    /** The message's own object and 32 levels inside it, as the format's first decoder allowed. */
    private static final int MAX_DEPTH = 33;

    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build();

    private UpdateDecoder() {}

    static GroupUpdate message(String group, byte[] data) {
        try (JsonParser p = open(data)) {
            long windowMs = 0;
            Long windowStart = null;
            List<String> names = null;
            List<double[]> figures = null;
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "w":
                        windowMs = integral(number(p, value), "a whole number");
                        break;
                    case "s":
                        windowStart = integral(number(p, value), "a whole number");
                        break;
                    case "t":
                        names = new ArrayList<>();
                        figures = new ArrayList<>();
                        expect(p, value, JsonToken.START_OBJECT);
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            names.add(p.currentName());
                            figures.add(numbers(p, UpdateCodec.MESSAGE_TAG_FIELDS));
                        }
                        break;
                    default:
                        p.skipChildren();
                }
            }
            end(p);
            if (windowMs <= 0 || windowStart == null || names == null) {
                throw new IllegalArgumentException(
                        "not a live-update message: it needs \"w\" (positive), \"s\" and \"t\"");
            }
            List<TagUpdate> tags = new ArrayList<>(names.size());
            for (int i = 0; i < names.size(); i++) {
                tags.add(tagUpdate(names.get(i), windowStart, figures.get(i), 0));
            }
            return new GroupUpdate(group, windowMs, windowStart, tags);
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    static TagUpdate latest(String name, byte[] value) {
        try (JsonParser p = open(value)) {
            double[] f = numbers(p, UpdateCodec.LATEST_FIELDS);
            end(p);
            return tagUpdate(name, integral(f[0], "s"), f, 1);
        } catch (IOException e) {
            throw notJson(e);
        }
    }

    private static JsonParser open(byte[] bytes) throws IOException {
        if (bytes == null) {
            throw new IllegalArgumentException("no bytes");
        }
        return JSON.createParser(bytes);
    }

    /**
     * The next value, an array of at least {@code count} numbers (null is NaN); further elements
     * are skipped.
     */
    private static double[] numbers(JsonParser p, int count) throws IOException {
        expect(p, p.nextToken(), JsonToken.START_ARRAY);
        double[] values = new double[count];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (n < count) {
                values[n] = number(p, t);
            } else {
                p.skipChildren();
            }
            n++;
        }
        if (n < count) {
            throw error(p, "an array of " + n + " elements where " + count + " are needed");
        }
        return values;
    }

    private static double number(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw error(p, "expected a number");
        }
        double v = p.getDoubleValue();
        if (!Double.isFinite(v)) {
            throw error(p, "number out of range: " + p.getText());
        }
        return v;
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw error(
                    p,
                    "expected "
                            + (expected.asString() == null
                                    ? expected
                                    : "'" + expected.asString() + "'"));
        }
    }

    /** Nothing but whitespace may follow the value. */
    private static void end(JsonParser p) {
        try {
            if (p.nextToken() == null) {
                return;
            }
        } catch (IOException e) {
            // what follows is not even JSON
        }
        throw error(p, "unexpected bytes after the JSON value");
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

    private static IllegalArgumentException error(JsonParser p, String what) {
        return new IllegalArgumentException(
                "not a live update: "
                        + what
                        + " at byte "
                        + p.currentTokenLocation().getByteOffset());
    }

    private static IllegalArgumentException notJson(IOException e) {
        if (e instanceof JsonProcessingException j && j.getLocation() != null) {
            return new IllegalArgumentException(
                    "not a live update: "
                            + j.getOriginalMessage()
                            + " at byte "
                            + j.getLocation().getByteOffset(),
                    e);
        }
        return new IllegalArgumentException("not a live update: " + e.getMessage(), e);
    }
}
