package io.sluice.websocket.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client endpoint that reads everything as it comes ({@link RecordingSocket} records it), and can
 * answer the server's pings.
 */
public final class TestSocket extends RecordingSocket implements Session.Listener.AutoDemanding {
    private volatile String socketId;
    private volatile boolean answerPings;

    @Override
    public void onWebSocketText(String message) {
        if (answerPings && message.contains("\"pusher:ping\"")) {
            session.sendText("{\"event\":\"pusher:pong\",\"data\":{}}", Callback.NOOP);
        }
        record(message);
    }

    /** Notes the socket id of pusher:connection_established (the fixture calls it). */
    public void established(JsonNode connectionEstablished) {
        socketId = connectionEstablished.path("data").path("socket_id").asText(null);
    }

    /** The socket id the server gave, once connected with {@code connectEstablished}. */
    public String socketId() {
        return socketId;
    }

    /** From now on answers every pusher:ping with a pusher:pong (the pings are still recorded). */
    public TestSocket answeringPings() {
        answerPings = true;
        return this;
    }

    /** Sends a binary frame and waits until it is written. */
    public void sendBinary(byte[] bytes) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendBinary(
                ByteBuffer.wrap(bytes),
                Callback.from(() -> done.complete(null), done::completeExceptionally));
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Subscribes and waits for pusher_internal:subscription_succeeded. */
    public void subscribe(String channel) throws Exception {
        subscribe(channel, null);
    }

    /**
     * Subscribes (to a private channel with an auth value, when not null) and waits for
     * subscription_succeeded.
     */
    public void subscribe(String channel, String auth) throws Exception {
        send(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                        + channel
                        + "\""
                        + (auth == null ? "" : ",\"auth\":\"" + auth + "\"")
                        + "}}");
        JsonNode ok = nextEvent("pusher_internal:subscription_succeeded");
        if (!channel.equals(ok.path("channel").asText())) {
            throw new AssertionError(
                    "subscribed to " + ok.path("channel").asText() + ", not " + channel);
        }
    }

    /** The auth of a private channel for this socket, signed with the fixture's secret. */
    public String privateAuth(String channel) {
        return SinkFixture.KEY
                + ":"
                + SinkFixture.hmacSha256Hex(SinkFixture.SECRET, socketId + ":" + channel);
    }

    /** Sends a presence subscription with channel_data signed with the fixture's secret. */
    public void sendPresenceSubscribe(String channel, String channelData) throws Exception {
        String auth =
                SinkFixture.KEY
                        + ":"
                        + SinkFixture.hmacSha256Hex(
                                SinkFixture.SECRET, socketId + ":" + channel + ":" + channelData);
        send(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                        + channel
                        + "\",\"auth\":\""
                        + auth
                        + "\",\"channel_data\":"
                        + quote(channelData)
                        + "}}");
    }

    /** Joins a presence channel as the user and returns subscription_succeeded's data.presence. */
    public JsonNode join(String channel, String userId, String userInfoJson) throws Exception {
        sendPresenceSubscribe(
                channel, "{\"user_id\":\"" + userId + "\",\"user_info\":" + userInfoJson + "}");
        JsonNode ok = nextEvent("pusher_internal:subscription_succeeded");
        if (!channel.equals(ok.path("channel").asText())) {
            throw new AssertionError("joined " + ok.path("channel").asText() + ", not " + channel);
        }
        return ok.path("data").path("presence");
    }

    /** Sends a client event with JSON data on a channel. */
    public void trigger(String channel, String event, String dataJson) throws Exception {
        send(
                "{\"event\":\""
                        + event
                        + "\",\"channel\":\""
                        + channel
                        + "\",\"data\":"
                        + dataJson
                        + "}");
    }

    /** A JSON string literal of the text. */
    public static String quote(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
