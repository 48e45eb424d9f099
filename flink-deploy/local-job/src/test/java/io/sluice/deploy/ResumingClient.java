package io.sluice.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A websocket-sink client that behaves as the dashboard does: subscribes to one channel, answers
 * pings, and when its connection drops connects again and resubscribes with {@code last_id}, the
 * stream id of the last update it got, so that it misses nothing. Records every update (snapshots
 * aside) with the time it came.
 */
final class ResumingClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT = "scada.data.received";

    /** One update: a group's tags whose window of {@code windowMs} from {@code start} closed. */
    record Update(String id, long windowMs, long start, List<String> tags, long receivedAtMs) {}

    private final URI uri;
    private final String channel;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Update> updates = new CopyOnWriteArrayList<>();
    private final List<Long> reconnectsAtMs = new CopyOnWriteArrayList<>();
    private final List<String> unreadable = new CopyOnWriteArrayList<>();
    private volatile String lastId;
    private volatile WebSocket socket;
    private volatile boolean closed;

    /** Connects to {@code ws://127.0.0.1:port/app/key} and subscribes to {@code channel}. */
    ResumingClient(int port, String appKey, String channel) throws Exception {
        this.uri =
                URI.create(
                        "ws://127.0.0.1:"
                                + port
                                + "/app/"
                                + appKey
                                + "?protocol=7&client=js&version=8.6.0&flash=false");
        this.channel = channel;
        connect();
    }

    List<Update> updates() {
        return updates;
    }

    /** When the client connected again after a drop, in epoch ms. */
    List<Long> reconnectsAtMs() {
        return reconnectsAtMs;
    }

    /** The messages the client could not read, with why; none expected. */
    List<String> unreadable() {
        return unreadable;
    }

    /** The first update that came after a time, in epoch ms; 0 if none yet. */
    long firstUpdateAfter(long epochMs) {
        for (Update u : updates) {
            if (u.receivedAtMs() > epochMs) {
                return u.receivedAtMs();
            }
        }
        return 0;
    }

    private void connect() throws Exception {
        socket =
                http.newWebSocketBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(uri, new Listener())
                        .get(10, TimeUnit.SECONDS);
    }

    /** Retries every 500 ms, as pusher-js does, until the server takes the connection again. */
    private void reconnect() {
        CompletableFuture.runAsync(
                () -> {
                    while (!closed) {
                        try {
                            TimeUnit.MILLISECONDS.sleep(500);
                            connect();
                            reconnectsAtMs.add(System.currentTimeMillis());
                            return;
                        } catch (Exception e) {
                            // not back yet
                        }
                    }
                });
    }

    private void send(String text) {
        socket.sendText(text, true);
    }

    private void onMessage(String text) throws Exception {
        JsonNode message = JSON.readTree(text);
        String event = message.path("event").asText();
        switch (event) {
            case "pusher:connection_established" -> {
                String resume = lastId == null ? "" : ",\"last_id\":\"" + lastId + "\"";
                send(
                        "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                                + channel
                                + "\""
                                + resume
                                + "}}");
            }
            case "pusher:ping" -> send("{\"event\":\"pusher:pong\",\"data\":{}}");
            case EVENT -> {
                JsonNode data = message.get("data");
                if (data.isTextual()) {
                    data = JSON.readTree(data.asText());
                }
                if (data.path("snapshot").asBoolean()) {
                    return;
                }
                List<String> tags = new ArrayList<>();
                String group = data.get("g").asText();
                for (Iterator<String> t = data.get("t").fieldNames(); t.hasNext(); ) {
                    tags.add(group + "." + t.next());
                }
                lastId = data.get("id").asText();
                updates.add(
                        new Update(
                                lastId,
                                data.get("w").asLong(),
                                data.get("s").asLong(),
                                tags,
                                System.currentTimeMillis()));
            }
            default -> {}
        }
    }

    @Override
    public void close() {
        closed = true;
        WebSocket s = socket;
        if (s != null) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS);
        }
    }

    /** Gathers a message's parts; a drop (close or error) starts a reconnect. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    onMessage(text.toString());
                } catch (Exception e) {
                    unreadable.add(text + ": " + e);
                } finally {
                    text.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!closed) {
                reconnect();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!closed) {
                reconnect();
            }
        }
    }
}
