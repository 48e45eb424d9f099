package io.sluice.websocket.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A client endpoint that demands frames explicitly, one at a time, and stops reading after a
 * message the test names: from then on Jetty reads nothing from its socket, so the TCP buffers
 * fill and the server sees a client that does not keep up. {@link #resume()} reads again.
 */
public final class StallingSocket implements Session.Listener {
  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile Session session;
  private volatile Predicate<String> stopAfter = m -> false;
  private volatile boolean stalled;

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    session.demand();
  }

  @Override
  public void onWebSocketText(String message) {
    boolean stop = stopAfter.test(message);
    stalled = stop; // before the message is visible, so a test that has it sees the stall
    messages.add(message);
    if (!stop) {
      session.demand();
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed.complete(statusCode);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closed.complete(-1);
  }

  /** Stops demanding right after the first message that matches (the message itself is read). */
  public void stopAfter(Predicate<String> lastMessage) {
    stopAfter = lastMessage;
  }

  /** True once it has stopped reading. */
  public boolean isStalled() {
    return stalled;
  }

  /** Reads again, everything from now on. */
  public void resume() {
    stopAfter = m -> false;
    if (stalled) {
      stalled = false;
      session.demand();
    }
  }

  /** Sends a text frame and waits until it is written. */
  public void send(String text) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
    done.get(TestSocket.WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Skips messages until one of this event; fails after {@link TestSocket#WAIT}. */
  public JsonNode nextEvent(String event) throws InterruptedException {
    long deadline = System.nanoTime() + TestSocket.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String m = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (m == null) {
        break;
      }
      JsonNode node = TestSocket.parse(m);
      if (event.equals(node.path("event").asText())) {
        return node;
      }
    }
    throw new AssertionError("no " + event + " within " + TestSocket.WAIT);
  }

  /** The next message as it came, or null if none comes within the time. */
  public String pollRaw(Duration within) throws InterruptedException {
    return messages.poll(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The close code; fails after the time. */
  public int awaitClose(Duration within) throws Exception {
    return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
  }
}
