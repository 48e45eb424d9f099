package io.sluice.websocket.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A raw WebSocket client endpoint that records what it receives: text messages in a queue, the
 * close code in a future. Waits use timeouts, never sleeps.
 */
public final class TestSocket implements Session.Listener.AutoDemanding {
  public static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile Session session;
  private volatile String socketId;
  private volatile boolean answerPings;

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  @Override
  public void onWebSocketText(String message) {
    if (answerPings && message.contains("\"pusher:ping\"")) {
      session.sendText("{\"event\":\"pusher:pong\",\"data\":{}}", Callback.NOOP);
    }
    messages.add(message);
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

  /** Notes the socket id of pusher:connection_established (the fixture calls it). */
  void established(JsonNode connectionEstablished) {
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
    session.sendBinary(java.nio.ByteBuffer.wrap(bytes), Callback.from(() -> done.complete(null), done::completeExceptionally));
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Sends a text frame and waits until it is written. */
  public void send(String text) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The next message, parsed, with its data parsed too when it is a JSON string; fails after WAIT. */
  public JsonNode next() throws InterruptedException {
    String m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (m == null) {
      throw new AssertionError("no message within " + WAIT);
    }
    return parse(m);
  }

  /** The next message, or null if none comes within the time. */
  public JsonNode poll(Duration within) throws InterruptedException {
    String m = messages.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    return m == null ? null : parse(m);
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

  /** Subscribes and waits for pusher_internal:subscription_succeeded. */
  public void subscribe(String channel) throws Exception {
    send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}");
    JsonNode ok = nextEvent("pusher_internal:subscription_succeeded");
    if (!channel.equals(ok.path("channel").asText())) {
      throw new AssertionError("subscribed to " + ok.path("channel").asText() + ", not " + channel);
    }
  }

  /** Subscribes to a private channel with an auth value and waits for subscription_succeeded. */
  public void subscribe(String channel, String auth) throws Exception {
    send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\",\"auth\":\"" + auth + "\"}}");
    JsonNode ok = nextEvent("pusher_internal:subscription_succeeded");
    if (!channel.equals(ok.path("channel").asText())) {
      throw new AssertionError("subscribed to " + ok.path("channel").asText() + ", not " + channel);
    }
  }

  /** The close code; fails after WAIT. */
  public int awaitClose() throws Exception {
    return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
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
          ((com.fasterxml.jackson.databind.node.ObjectNode) node).set("data", MAPPER.readTree(data.textValue()));
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
