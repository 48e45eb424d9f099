package io.sluice.websocket.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A message a client sent: {@code {"event":"pusher:subscribe","data":{"channel":"..."}}}.
 *
 * @param event the event name, never null
 * @param channel the message's channel field, or null
 * @param data the data as an object: a data field sent as a JSON string is parsed; an empty object
 *     when there is none
 * @param rawData the data as sent, for a client event to pass on untouched: a string's text, any
 *     other JSON value's text, or "{}" when there is none
 */
public record PusherMessage(String event, String channel, JsonNode data, String rawData) {
    /** A text field of the data, or null when it is absent or not text. */
    public String dataText(String field) {
        JsonNode node = data.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
