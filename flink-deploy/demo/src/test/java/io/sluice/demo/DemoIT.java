package io.sluice.demo;

import io.sluice.config.SluiceConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short run of the demo: it starts, a real WebSocket client gets live window updates, the history
 * API has the stored windows, and close stops every part and leaves no files.
 */
class DemoIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir Path dir;

    /** Records text messages; the close code completes a future. */
    public static final class Recorder implements Session.Listener.AutoDemanding {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            try {
                JsonNode n = MAPPER.readTree(text);
                messages.add(n);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            closed.complete(code);
        }

        JsonNode next(String event) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                JsonNode m = messages.poll(1, TimeUnit.SECONDS);
                if (m != null && event.equals(m.path("event").asText())) {
                    return m;
                }
            }
            throw new AssertionError("no " + event + " within 60 s");
        }
    }

    /** Command lines of the live processes started from under a folder. */
    private static java.util.List<String> servicesRunningFrom(Path folder) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .map(ph -> ph.info().commandLine().orElse(""))
                .filter(command -> command.contains(folder.toString()))
                .toList();
    }

    @Test
    void theDemoDeliversLiveUpdatesAndStopsCleanly() throws Exception {
        SluiceConfig config =
                SluiceConfig.load(
                        Map.of(),
                        Map.of(
                                "local.data.dir", dir.toString(),
                                "local.flink.rest.port", "0",
                                "websocket.port", "0",
                                "websocket.host", "127.0.0.1",
                                "simulator.tags", "200",
                                "job.checkpoint.interval.ms", "2000"));
        WebSocketClient client = new WebSocketClient();
        client.start();
        Recorder recorder = new Recorder();
        long begin = System.nanoTime();
        try (Demo demo = new Demo(config).start()) {
            client.connect(recorder, URI.create(demo.webSocketUrl())).get(10, TimeUnit.SECONDS);
            recorder.next("pusher:connection_established");
            CompletableFuture<Void> sent = new CompletableFuture<>();
            recorder.session.sendText(
                    "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"scada-data\"}}",
                    Callback.from(() -> sent.complete(null), sent::completeExceptionally));
            sent.get(10, TimeUnit.SECONDS);
            recorder.next("pusher_internal:subscription_succeeded");

            JsonNode live;
            do {
                live = MAPPER.readTree(recorder.next("scada.data.received").get("data").asText());
            } while (live.path("snapshot").asBoolean());
            System.out.printf(
                    "demo: first live update %.1f s after start%n",
                    (System.nanoTime() - begin) / 1e9);
            assertThat(live.get("w").asLong()).isEqualTo(1000);
            String group = live.get("g").asText();
            String name = live.get("t").fieldNames().next();
            assertThat(live.get("t").get(name).get(0).asLong())
                    .as("readings in the window")
                    .isPositive();

            // the same window is in PostgreSQL, through the history API
            String tag = group + "." + name;
            long start = live.get("s").asLong();
            HttpResponse<String> history =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            demo.dashboardUrl()
                                                                            .replace(
                                                                                    "localhost",
                                                                                    "127.0.0.1")
                                                                    + "api/history?tag="
                                                                    + tag
                                                                    + "&from="
                                                                    + start
                                                                    + "&to="
                                                                    + (start + 1000)
                                                                    + "&window=1s"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(history.statusCode()).isEqualTo(200);
            JsonNode rows = MAPPER.readTree(history.body()).get("rows");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get("count").asLong())
                    .isEqualTo(live.get("t").get(name).get(0).asLong());
            assertThat(rows.get(0).get("min").asDouble())
                    .isEqualTo(live.get("t").get(name).get(1).asDouble());
            assertThat(demo.readingsSent()).isPositive();
            assertThat(servicesRunningFrom(dir))
                    .as("PostgreSQL and redis-server, from the run folder")
                    .isNotEmpty();
        }
        // closed: the client was told to reconnect elsewhere, and nothing is left behind
        assertThat(recorder.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4200);
        client.stop();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
        // no stray process: PostgreSQL and redis-server ran from the run folder, under dir
        assertThat(servicesRunningFrom(dir)).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(
                        t ->
                                t.getName().startsWith("demo-")
                                        || t.getName().startsWith("stream-reader"));
    }
}
