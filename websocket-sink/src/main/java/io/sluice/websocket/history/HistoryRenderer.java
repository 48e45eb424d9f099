package io.sluice.websocket.history;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes answers of the history API as JSON or CSV, with the same field names in both.
 *
 * <p>Numbers stay numbers (times as epoch milliseconds, values in Java's shortest exact decimal
 * form), so that a value read back from either format is the stored double bit for bit.
 */
final class HistoryRenderer {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CSV_LINE_END = "\r\n"; // RFC 4180

    private HistoryRenderer() {}

    static String render(HistoryQuery query, HistoryResult result) {
        return query.format() == HistoryFormat.CSV ? csv(query, result) : json(query, result);
    }

    /** {@code {"error": message}}, the body of every refused request. */
    private static String json(HistoryQuery query, HistoryResult result) {
        List<String> names = result.columns();
        HistoryShape shape = query.shape();
        StringWriter out = new StringWriter();
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            if (query.tag() != null) {
                json.writeStringField("tag", query.tag());
            } else {
                json.writeStringField("prefix", query.prefix());
            }
            json.writeStringField("window", HistoryQuery.label(query.windowMs()));
            if (shape.months() > 0) {
                json.writeStringField("bucket", shape.months() + "mo");
            } else if (query.isRollup()) {
                json.writeStringField("bucket", HistoryQuery.label(query.bucketMs()));
            } else {
                json.writeNullField("bucket");
            }
            if (shape.tz() != null) {
                json.writeStringField("tz", shape.tz());
            }
            if (shape.fill() != null) {
                json.writeStringField("fill", shape.fill());
            }
            if (shape.points() > 0) {
                json.writeNumberField("points", shape.points());
            }
            if (shape.quality()) {
                json.writeBooleanField("quality", true);
            }
            json.writeNumberField("from", query.fromMs());
            json.writeNumberField("to", query.toMs());
            json.writeBooleanField("truncated", result.truncated());
            json.writeArrayFieldStart("rows");
            for (List<Object> values : result.rows()) {
                json.writeStartObject();
                for (int i = 0; i < names.size(); i++) {
                    json.writeObjectField(names.get(i), values.get(i));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * Tags are letters, digits, '_', '-' and '.', and the rest numbers or quality words: no
     * quoting.
     */
    private static String csv(HistoryQuery query, HistoryResult result) {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", result.columns())).append(CSV_LINE_END);
        for (List<Object> values : result.rows()) {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                if (values.get(i) != null) {
                    out.append(values.get(i));
                }
            }
            out.append(CSV_LINE_END);
        }
        return out.toString();
    }
}
