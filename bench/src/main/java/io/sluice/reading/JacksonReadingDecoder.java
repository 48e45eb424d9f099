package io.sluice.reading;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;

/**
 * The readings contract decoded with Jackson's streaming parser: the baseline that {@link
 * ReadingCodec}'s scanner is measured against (issue 9, bench/README.md).
 *
 * <p>The same contract to the letter, held to the same tests (its {@code ReadingsContract}
 * subclass): the field rules are {@link ReadingRules}, tags come from a {@link TagCache} as in the
 * scanner, and only the JSON syntax is Jackson's. In package io.sluice.reading for those two
 * package-private classes; it is a benchmark's baseline, not a second codec. Not thread-safe.
 */
public final class JacksonReadingDecoder {
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

    private final int maxBytes;
    private final ReadingRules rules;
    private final TagCache tags = new TagCache();
    private final byte[] tagBytes = new byte[ReadingRules.MAX_TAG_LENGTH];

    public JacksonReadingDecoder(ReadingLimits limits) {
        this.maxBytes = limits.maxBytes();
        this.rules = new ReadingRules(limits);
    }

    /** A decoder with the defaults of conf/sluice.properties. */
    public static JacksonReadingDecoder withDefaults() {
        return new JacksonReadingDecoder(ReadingCodec.withDefaults().limits());
    }

    /** As {@link ReadingCodec#decode(byte[], int, int, Reading)}. */
    public Rejection decode(byte[] record, int offset, int length, Reading into) {
        Rejection size = ReadingRules.size(record, length, maxBytes);
        if (size != null) {
            return size;
        }
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
}
