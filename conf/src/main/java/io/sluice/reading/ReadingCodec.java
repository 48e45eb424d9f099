package io.sluice.reading;

import io.sluice.config.SluiceConfig;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The readings wire format, both ways: JSON bytes to {@link Reading} and back.
 *
 * <p>The contract is in conf/samples/readings/README.md, and its sample files are this class's test
 * vectors ({@code ReadingsContract}). A record in the canonical encoding, which is what producers
 * send, is read by {@link CanonicalScan} without a parser (issue 14: the parse was the source
 * task's largest cost once readings were batched); any other is read with Jackson's streaming
 * parser, which applies the contract's field rules ({@link ReadingRules}) and explains a rejection.
 * Tags come from a {@link TagCache}, so a plant's thousands of tags are not a String per record.
 * Encoding is hand-written: the canonical form, with every finite double written so that it reads
 * back to the same bits.
 *
 * <p>Not thread-safe: each thread (each Flink subtask) owns one.
 */
public final class ReadingCodec {
    /** The largest canonical encoding beside the tag's own length. */
    public static final int MAX_ENCODED_OVERHEAD = 96;

    private static final JsonFactory JSON =
            JsonFactory.builder()
                    // NaN and Infinity are read so that the value can be rejected as non-finite
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    // no limit of Jackson's own below readings.max.bytes; depth is the contract's
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNumberLength(Integer.MAX_VALUE)
                                    .build())
                    .build();

    /** The canonical encoding's fixed parts, written here and matched by {@link CanonicalScan}. */
    static final String BEFORE_TAG = "{\"tag\":\"";

    static final String BEFORE_TS = "\",\"ts\":";
    static final String BEFORE_VALUE = ",\"value\":";

    /** What follows the value, by quality ordinal. */
    static final byte[][] QUALITY_TAILS = {
        ascii(",\"quality\":\"good\"}"),
        ascii(",\"quality\":\"uncertain\"}"),
        ascii(",\"quality\":\"bad\"}")
    };

    private final ReadingLimits limits;
    private final int maxBytes;
    private final ReadingRules rules;
    private final TagCache tags = new TagCache();
    private final byte[] tagBytes = new byte[ReadingRules.MAX_TAG_LENGTH];
    private final CanonicalScan canonical;

    public ReadingCodec(ReadingLimits limits) {
        this.limits = limits;
        // Copied into fields: read for every record.
        this.maxBytes = limits.maxBytes();
        this.rules = new ReadingRules(limits);
        this.canonical = new CanonicalScan(rules, tags);
    }

    /** A codec with the limits of the readings.* configuration keys. */
    public static ReadingCodec fromConfig(SluiceConfig config) {
        return new ReadingCodec(ReadingLimits.fromConfig(config));
    }

    /**
     * The tag cache's id of the last decoded reading's tag (see {@link TagCache#lastId()}): 0, 1,
     * 2, ... per codec in the order tags were first seen, or -1.
     */
    public int lastTagId() {
        return tags.lastId();
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
        Rejection size = ReadingRules.size(record, length, maxBytes);
        if (size != null) {
            return size;
        }
        if (canonical.read(record, offset, length, into)) {
            return null;
        }
        return decodeJson(record, offset, length, into);
    }

    /** Reads any JSON form with Jackson: what {@link CanonicalScan} is not sure of. */
    Rejection decodeJson(byte[] record, int offset, int length, Reading into) {
        try (JsonParser p = JSON.createParser(record, offset, length)) {
            return readObject(p, into);
        } catch (JsonProcessingException e) {
            return new Rejection(
                    RejectReason.NOT_JSON,
                    e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " at byte " + e.getLocation().getByteOffset()));
        } catch (IOException e) {
            return new Rejection(RejectReason.NOT_JSON, String.valueOf(e.getMessage()));
        }
    }

    private Rejection readObject(JsonParser p, Reading into) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw syntax(p, "expected a JSON object");
        }
        int seen = 0;
        into.quality = Quality.GOOD;
        // The first problem found; the record is still read to its end, since broken JSON is the
        // better explanation of a record that has both.
        Rejection problem = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int field = ReadingRules.field(p.currentName());
            JsonToken value = p.nextToken();
            Rejection fieldProblem = null;
            if (field < 0) {
                skip(p, value, 0);
            } else if ((seen & (1 << field)) != 0) {
                fieldProblem = ReadingRules.duplicate(field);
                skip(p, value, 0);
            } else {
                seen |= 1 << field;
                fieldProblem = readField(p, value, field, into);
            }
            if (problem == null) {
                problem = fieldProblem;
            }
        }
        if (p.nextToken() != null) {
            throw syntax(p, "unexpected bytes after the JSON object");
        }
        return problem != null ? problem : ReadingRules.missingField(seen);
    }

    private Rejection readField(JsonParser p, JsonToken value, int field, Reading into)
            throws IOException {
        switch (field) {
            case ReadingRules.TAG:
                return readTag(p, value, into);
            case ReadingRules.TS:
                return readTimestamp(p, value, into);
            case ReadingRules.VALUE:
                return readValue(p, value, into);
            default:
                return readQuality(p, value, into);
        }
    }

    private Rejection readTag(JsonParser p, JsonToken value, Reading into) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            skip(p, value, 0);
            return ReadingRules.tagNotString();
        }
        // The tag's characters as ASCII bytes, so that the scanner's rule and cache apply.
        char[] chars = p.getTextCharacters();
        int from = p.getTextOffset();
        int length = p.getTextLength();
        boolean ascii = length <= tagBytes.length;
        for (int i = 0; ascii && i < length; i++) {
            char c = chars[from + i];
            ascii = c < 0x80;
            tagBytes[i] = (byte) c;
        }
        if (!ascii || !ReadingRules.isValidTag(tagBytes, 0, length)) {
            return ReadingRules.invalidTag(p.getText());
        }
        into.tag = tags.lookup(tagBytes, 0, length);
        return null;
    }

    private Rejection readTimestamp(JsonParser p, JsonToken value, Reading into)
            throws IOException {
        switch (value) {
            case VALUE_STRING:
                return rules.timestampText(p.getText(), into);
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return rules.outOfRange(p.getText());
                }
                into.ts = p.getLongValue();
                return rules.inRange(into.ts) ? null : rules.outOfRange(p.getText());
            case VALUE_NUMBER_FLOAT:
                requireNumber(p);
                return ReadingRules.fractionalTimestamp(p.getText());
            default:
                skip(p, value, 0);
                return ReadingRules.timestampOfOtherType();
        }
    }

    private Rejection readValue(JsonParser p, JsonToken value, Reading into) throws IOException {
        switch (value) {
            case VALUE_TRUE:
                into.value = 1;
                return null;
            case VALUE_FALSE:
                into.value = 0;
                return null;
            case VALUE_NUMBER_INT:
                // Jackson reads -0 as the int 0: the sign is in the text
                into.value = p.getDoubleValue();
                if (into.value == 0 && p.getTextCharacters()[p.getTextOffset()] == '-') {
                    into.value = -0.0;
                }
                return Double.isFinite(into.value) ? null : ReadingRules.valueBeyondDouble();
            case VALUE_NUMBER_FLOAT:
                if (p.isNaN()) {
                    String word = p.getText();
                    if (word.equals("NaN")) {
                        return ReadingRules.nanValue();
                    }
                    if (word.equals("Infinity") || word.equals("-Infinity")) {
                        return ReadingRules.infiniteValue();
                    }
                    throw syntax(p, "expected a JSON value"); // INF, +INF...: not the contract's
                }
                into.value = p.getDoubleValue();
                return Double.isFinite(into.value) ? null : ReadingRules.valueBeyondDouble();
            default:
                skip(p, value, 0);
                return ReadingRules.valueOfOtherType();
        }
    }

    private Rejection readQuality(JsonParser p, JsonToken value, Reading into) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return ReadingRules.qualityWord(p.getText(), into);
        }
        if (value.isNumeric()) {
            requireNumber(p);
            String number = p.getText();
            return number.charAt(0) == '-'
                    ? ReadingRules.qualityOfOtherType()
                    : ReadingRules.qualityNumber(number, value == JsonToken.VALUE_NUMBER_INT, into);
        }
        skip(p, value, 0);
        return ReadingRules.qualityOfOtherType();
    }

    /** Skips a value as the contract reads JSON: NaN only as the value, 32 levels at most. */
    private static void skip(JsonParser p, JsonToken value, int depth) throws IOException {
        if (depth > ReadingRules.MAX_DEPTH) {
            throw syntax(p, "nested deeper than " + ReadingRules.MAX_DEPTH);
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
            requireNumber(p);
        } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            for (JsonToken t = p.nextToken(); !t.isStructEnd(); t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    skip(p, t, depth + 1);
                }
            }
        }
    }

    /** NaN and Infinity are JSON to Jackson here, but to the contract only as the value. */
    private static void requireNumber(JsonParser p) throws IOException {
        if (p.isNaN()) {
            throw syntax(p, "expected a JSON value");
        }
    }

    private static JsonProcessingException syntax(JsonParser p, String what) {
        return new JsonParseException(p, what);
    }

    /** True when a tag meets the contract; producers check their tags with it once, up front. */
    public static boolean isValidTag(String tag) {
        byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
        return bytes.length == tag.length() && ReadingRules.isValidTag(bytes, 0, bytes.length);
    }

    // ---- encoding ---------------------------------------------------------------------------

    /** The canonical encoding of a reading, as a new array. */
    public byte[] encode(Reading reading) {
        byte[] buf = new byte[reading.tag.length() + MAX_ENCODED_OVERHEAD];
        int length = encode(reading, buf, 0);
        return Arrays.copyOf(buf, length);
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
        p = JsonNumbers.putAscii(buf, p, BEFORE_TAG);
        p = JsonNumbers.putAscii(buf, p, tag);
        p = JsonNumbers.putAscii(buf, p, BEFORE_TS);
        p = JsonNumbers.putLong(buf, p, ts);
        p = JsonNumbers.putAscii(buf, p, BEFORE_VALUE);
        p = JsonNumbers.putExact(buf, p, value);
        byte[] tail = QUALITY_TAILS[quality.ordinal()];
        System.arraycopy(tail, 0, buf, p, tail.length);
        return p + tail.length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
