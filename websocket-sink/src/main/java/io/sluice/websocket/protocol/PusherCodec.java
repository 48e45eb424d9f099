package io.sluice.websocket.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one codec of Pusher protocol frames, both ways.
 *
 * <p>Outgoing frames are UTF-8 bytes, made once and sent as they are to every recipient. Their
 * {@code data} is a JSON string holding JSON, as the protocol has it (pusher-js parses it).
 * Thread-safe.
 */
public final class PusherCodec {
    public static final String CONNECTION_ESTABLISHED = "pusher:connection_established";
    public static final String ERROR = "pusher:error";
    public static final String PING = "pusher:ping";
    public static final String PONG = "pusher:pong";
    public static final String SUBSCRIBE = "pusher:subscribe";
    public static final String UNSUBSCRIBE = "pusher:unsubscribe";
    public static final String SUBSCRIPTION_SUCCEEDED = "pusher_internal:subscription_succeeded";
    public static final String SUBSCRIPTION_ERROR = "pusher:subscription_error";
    public static final String SIGNIN = "pusher:signin";
    public static final String SIGNIN_SUCCESS = "pusher:signin_success";
    public static final String CACHE_MISS = "pusher:cache_miss";
    public static final String MEMBER_ADDED = "pusher_internal:member_added";
    public static final String MEMBER_REMOVED = "pusher_internal:member_removed";
    public static final String CLIENT_EVENT_PREFIX = "client-";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

    private final byte[] ping = event(PING, null, "{}");
    private final byte[] pong = event(PONG, null, "{}");

    /**
     * Reads a client's message.
     *
     * @throws ProtocolException if it is not JSON, not an object, or has no event name
     */
    public PusherMessage decode(String text) throws ProtocolException {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ProtocolException("malformed", "Malformed message: not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException("malformed", "Malformed message: not a JSON object");
        }
        JsonNode event = root.get("event");
        if (event == null || !event.isTextual() || event.textValue().isEmpty()) {
            throw new ProtocolException("malformed", "Malformed message: no \"event\" name");
        }
        JsonNode channel = root.get("channel");
        JsonNode data = root.get("data");
        String name = event.textValue();
        boolean clientEvent = name.startsWith(CLIENT_EVENT_PREFIX);
        return new PusherMessage(
                name,
                channel != null && channel.isTextual() ? channel.textValue() : null,
                clientEvent ? EMPTY : dataOf(data),
                rawOf(data));
    }

    private static String rawOf(JsonNode data) {
        if (data == null || data.isNull()) {
            return "{}";
        }
        return data.isTextual() ? data.textValue() : data.toString();
    }

    private static JsonNode dataOf(JsonNode data) throws ProtocolException {
        if (data == null || data.isNull()) {
            return EMPTY;
        }
        if (data.isTextual()) { // some clients send data as a JSON string
            if (data.textValue().isBlank()) {
                return EMPTY;
            }
            try {
                JsonNode parsed = MAPPER.readTree(data.textValue());
                return parsed != null && parsed.isObject() ? parsed : EMPTY;
            } catch (IOException e) {
                throw new ProtocolException("malformed", "Malformed message: \"data\" is not JSON");
            }
        }
        return data.isObject() ? data : EMPTY;
    }

    /**
     * {@code pusher:connection_established} with the socket id and the activity timeout in seconds.
     */
    public byte[] connectionEstablished(String socketId, int activityTimeoutSeconds) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("socket_id", socketId);
        data.put("activity_timeout", activityTimeoutSeconds);
        return event(CONNECTION_ESTABLISHED, null, data.toString());
    }

    /** {@code pusher:error}; the code may be null, as the protocol allows. */
    public byte[] error(Integer code, String message) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        if (code == null) {
            data.putNull("code");
        } else {
            data.put("code", code);
        }
        data.put("message", message);
        return event(ERROR, null, data.toString());
    }

    public byte[] subscriptionSucceeded(String channel) {
        return event(SUBSCRIPTION_SUCCEEDED, channel, "{}");
    }

    /**
     * A presence channel's {@code subscription_succeeded}: {@code {presence: {ids, hash, count}}}.
     *
     * @param members user id → user info (JSON text, or null for none), in the order to list them
     */
    public byte[] presenceSubscriptionSucceeded(String channel, Map<String, String> members) {
        ObjectNode presence = JsonNodeFactory.instance.objectNode();
        ArrayNode ids = presence.putArray("ids");
        ObjectNode hash = presence.putObject("hash");
        members.forEach(
                (id, info) -> {
                    ids.add(id);
                    hash.set(id, infoNode(info));
                });
        presence.put("count", members.size());
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.set("presence", presence);
        return event(SUBSCRIPTION_SUCCEEDED, channel, data.toString());
    }

    /** The data of {@code member_added}: {@code {user_id, user_info}}. */
    public String memberAddedData(String userId, String userInfo) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("user_id", userId);
        data.set("user_info", infoNode(userInfo));
        return data.toString();
    }

    /** The data of {@code member_removed}: {@code {user_id}}. */
    public String memberRemovedData(String userId) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("user_id", userId);
        return data.toString();
    }

    private static JsonNode infoNode(String info) {
        if (info == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return MAPPER.readTree(info);
        } catch (IOException e) {
            return JsonNodeFactory.instance.textNode(info);
        }
    }

    /** {@code pusher:signin_success} with the user data as signed. */
    public byte[] signinSuccess(String userData) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("user_data", userData);
        return event(SIGNIN_SUCCESS, null, data.toString());
    }

    /** {@code pusher:cache_miss} on a cache channel that has no last event. */
    public byte[] cacheMiss(String channel) {
        return event(CACHE_MISS, channel, "{}");
    }

    /**
     * {@code pusher:subscription_error} on the channel, as Soketi sends it: {@code {type, error,
     * status}}; pusher-js fails the subscription with it, and Echo's {@code .error()} fires.
     */
    public byte[] subscriptionError(String channel, String type, String error, int status) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("type", type);
        data.put("error", error);
        data.put("status", status);
        return event(SUBSCRIPTION_ERROR, channel, data.toString());
    }

    public byte[] ping() {
        return ping;
    }

    public byte[] pong() {
        return pong;
    }

    /**
     * A frame {@code {"event":...,"channel":...,"data":"<json as a string>"}}; the channel is left
     * out when null.
     */
    public byte[] event(String event, String channel, String dataJson) {
        return event(event, channel, dataJson, null);
    }

    /**
     * An event frame with the sender's {@code user_id}, as a client event on a presence channel
     * carries it; left out when null.
     */
    public byte[] event(String event, String channel, String dataJson, String userId) {
        ByteArrayBuilder out = new ByteArrayBuilder(dataJson.length() + 96);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event", event);
            if (channel != null) {
                g.writeStringField("channel", channel);
            }
            g.writeStringField("data", dataJson);
            if (userId != null) {
                g.writeStringField("user_id", userId);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
