package io.sluice.websocket.broker;

import java.util.Map;

/**
 * One entry of a stream: its position and its fields.
 *
 * @param position where it is in its stream
 * @param fields its fields, as the writer put them (the job's {@code g} and {@code d}, an event's
 *     {@code c e d x})
 */
public record BrokerEntry(StreamPosition position, Map<String, String> fields) {
    public BrokerEntry {
        fields = Map.copyOf(fields);
    }
}
