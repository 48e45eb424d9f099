package io.sluice.websocket.webhook;

import io.sluice.websocket.app.App;
import io.sluice.websocket.app.Webhook;
import io.sluice.websocket.metrics.SinkMetrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Sends the apps' webhooks in Pusher's format: a POST of {@code {time_ms, events: [...]}} with
 * {@code X-Pusher-Key} and {@code X-Pusher-Signature} (HMAC-SHA256 of the body with the app's
 * secret, hex).
 *
 * <p>{@link #emit} only queues, so the fan-out never waits: a bounded queue, whose overflow is
 * dropped and counted ({@code webhook-dropped}). One thread takes the queue, waits the batch window
 * for more, and sends one request per webhook URL with everything that came; a failed request (an
 * error, or a status other than 2xx) is tried again after 0.5 s, 1 s, 2 s... up to {@code retries}
 * times, then counted ({@code webhook-failed}).
 */
public final class WebhookSender extends AbstractLifeCycle implements Webhooks {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int MAX_EVENTS_PER_REQUEST = 100;
    static final long FIRST_BACKOFF_MS = 500;

    private record Queued(App app, Webhook webhook, WebhookEvent event) {}

    private record Target(App app, Webhook webhook) {}

    private final BlockingQueue<Queued> queue;
    private final Duration batch;
    private final int retries;
    private final Duration timeout;
    private final SinkMetrics metrics;
    private final LongSupplier clockMs;
    private HttpClient http;
    private ScheduledExecutorService retryTimer;
    private Thread sender;

    public WebhookSender(
            int queueMax, Duration batch, int retries, Duration timeout, SinkMetrics metrics) {
        this(queueMax, batch, retries, timeout, metrics, System::currentTimeMillis);
    }

    WebhookSender(
            int queueMax,
            Duration batch,
            int retries,
            Duration timeout,
            SinkMetrics metrics,
            LongSupplier clockMs) {
        this.queue = new ArrayBlockingQueue<>(queueMax);
        this.batch = Objects.requireNonNull(batch, "batch");
        this.retries = retries;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clockMs = clockMs;
    }

    @Override
    public void emit(App app, WebhookEvent event) {
        for (Webhook w : app.webhooksFor(event.name())) {
            if (!queue.offer(new Queued(app, w, event))) {
                metrics.error("webhook-dropped");
            }
        }
    }

    @Override
    protected void doStart() throws Exception {
        http = HttpClient.newBuilder().connectTimeout(timeout).build();
        retryTimer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "webhook-retry");
                            t.setDaemon(true);
                            return t;
                        });
        sender = new Thread(this::run, "webhook-sender");
        sender.setDaemon(true);
        sender.start();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        sender.interrupt();
        sender.join(TimeUnit.SECONDS.toMillis(5));
        retryTimer.shutdownNow();
        super.doStop();
    }

    private void run() {
        List<Queued> taken = new ArrayList<>();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                taken.add(queue.take());
                long until = System.nanoTime() + batch.toNanos();
                long left;
                while ((left = until - System.nanoTime()) > 0) {
                    Queued q = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (q != null) {
                        taken.add(q);
                        queue.drainTo(taken);
                    }
                }
                sendAll(taken);
                taken.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendAll(List<Queued> taken) {
        Map<Target, List<WebhookEvent>> byTarget = new LinkedHashMap<>();
        for (Queued q : taken) {
            byTarget.computeIfAbsent(new Target(q.app, q.webhook), t -> new ArrayList<>())
                    .add(q.event);
        }
        byTarget.forEach(
                (target, events) -> {
                    for (int i = 0; i < events.size(); i += MAX_EVENTS_PER_REQUEST) {
                        List<WebhookEvent> part =
                                events.subList(
                                        i, Math.min(events.size(), i + MAX_EVENTS_PER_REQUEST));
                        send(target, body(part), 0);
                    }
                });
    }

    /** The request body: {@code {time_ms, events}}, each event with the fields its type has. */
    String body(List<WebhookEvent> events) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("time_ms", clockMs.getAsLong());
        ArrayNode list = root.putArray("events");
        for (WebhookEvent e : events) {
            ObjectNode o = list.addObject();
            o.put("name", e.name());
            o.put("channel", e.channel());
            putIfSet(o, "user_id", e.userId());
            putIfSet(o, "event", e.event());
            putIfSet(o, "data", e.data());
            putIfSet(o, "socket_id", e.socketId());
        }
        return root.toString();
    }

    private static void putIfSet(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private void send(Target target, String body, int attempt) {
        HttpRequest request =
                HttpRequest.newBuilder(target.webhook.url())
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .header("X-Pusher-Key", target.app.key())
                        .header("X-Pusher-Signature", target.app.signatures().sign(body))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .whenComplete(
                        (response, failure) -> {
                            if (failure == null && response.statusCode() / 100 == 2) {
                                metrics.webhookSent();
                                return;
                            }
                            String why =
                                    failure != null
                                            ? failure.toString()
                                            : "status " + response.statusCode();
                            if (attempt < retries && isRunning()) {
                                long delay = FIRST_BACKOFF_MS << attempt;
                                retryTimer.schedule(
                                        () -> send(target, body, attempt + 1),
                                        delay,
                                        TimeUnit.MILLISECONDS);
                            } else {
                                metrics.error("webhook-failed");
                                LOG.warn(
                                        "Webhook {} of {} failed {} times, last: {}",
                                        target.webhook.url(),
                                        target.app,
                                        attempt + 1,
                                        why);
                            }
                        });
    }
}
