package io.sluice.websocket.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server that takes webhooks as a web app's endpoint does, and keeps each request: its
 * X-Pusher-Key, X-Pusher-Signature and body. It can fail its first requests with 500.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One request as it came. */
    public record Received(String key, String signature, String body) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger failFirst = new AtomicInteger();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/pusher/webhook",
                exchange -> {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    int status = failFirst.getAndDecrement() > 0 ? 500 : 200;
                    if (status == 200) {
                        received.add(
                                new Received(
                                        exchange.getRequestHeaders().getFirst("X-Pusher-Key"),
                                        exchange.getRequestHeaders().getFirst("X-Pusher-Signature"),
                                        new String(body, StandardCharsets.UTF_8)));
                    }
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/pusher/webhook";
    }

    /** Answers the next {@code n} requests with 500. */
    public void failFirst(int n) {
        failFirst.set(n);
    }

    /** The next request taken, or null within the time. */
    public Received poll(Duration within) throws InterruptedException {
        return received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every event of the requests taken within the time, in order. */
    public List<JsonNode> events(Duration within) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        Received r;
        while ((r = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
                != null) {
            r.json().path("events").forEach(out::add);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
