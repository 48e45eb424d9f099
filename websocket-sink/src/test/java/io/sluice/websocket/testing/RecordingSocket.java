package io.sluice.websocket.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw client endpoint that records what it receives: text messages in a queue, the close code in
 * a future. The two kinds ({@link TestSocket}, {@link StallingSocket}) differ only in how they
 * read. Waits use timeouts, never sleeps.
 */
public abstract class RecordingSocket implements Session.Listener {
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    protected volatile Session session;

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    /** Makes a received message visible to the test. */
    protected void record(String message) {
        messages.add(message);
    }

    @Override
    public void onWebSocketPong(java.nio.ByteBuffer payload) {
        pongs.add(java.nio.charset.StandardCharsets.UTF_8.decode(payload).toString());
    }

    /** The payload of the next WebSocket pong frame, or null if none comes within the time. */
    public String nextPong() throws InterruptedException {
        return pongs.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closed.complete(statusCode);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed.complete(-1);
    }

    public Session session() {
        return session;
    }

    /** Sends a text frame and waits until it is written. */
    public void send(String text) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendText(
                text, Callback.from(() -> done.complete(null), done::completeExceptionally));
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The next message as it came, or null if none comes within the time. */
    public String pollRaw(Duration within) throws InterruptedException {
        return messages.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message, parsed, or null if none comes within the time. */
    public JsonNode poll(Duration within) throws InterruptedException {
        String m = pollRaw(within);
        return m == null ? null : parse(m);
    }

    /**
     * The next message, parsed, with its data parsed too when it is a JSON string; fails after
     * WAIT.
     */
    public JsonNode next() throws InterruptedException {
        JsonNode m = poll(WAIT);
        if (m == null) {
            throw new AssertionError("no message within " + WAIT);
        }
        return m;
    }

    /** Skips messages until one of this event; fails after WAIT. */
    public JsonNode nextEvent(String event) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String m = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                break;
            }
            JsonNode node = parse(m);
            if (event.equals(node.path("event").asText())) {
                return node;
            }
        }
        throw new AssertionError("no " + event + " within " + WAIT);
    }

    /** The close code; fails after WAIT. */
    public int awaitClose() throws Exception {
        return awaitClose(WAIT);
    }

    /** The close code; fails after the time. */
    public int awaitClose(Duration within) throws Exception {
        return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isOpen() {
        return session != null && session.isOpen() && !closed.isDone();
    }

    /** A message with its "data" replaced by the parsed JSON it holds. */
    public static JsonNode parse(String message) {
        try {
            JsonNode node = MAPPER.readTree(message);
            JsonNode data = node.get("data");
            if (data != null && data.isTextual()) {
                try {
                    ((ObjectNode) node).set("data", MAPPER.readTree(data.textValue()));
                } catch (IOException notJson) {
                    // keep the string
                }
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
