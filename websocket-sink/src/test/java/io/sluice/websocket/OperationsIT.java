package io.sluice.websocket;

import io.sluice.local.EmbeddedRedisServer;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.XAddParams;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health, metrics and graceful shutdown, as operations see them. */
class OperationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        sink = fixture.start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(SinkFixture.httpUri(sink, path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a sample line of the Prometheus text, such as {@code name{tag="x",} 1.0}. */
    private static double sample(String scrape, String nameAndLabels) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$")
                        .matcher(scrape);
        assertThat(m.find()).as("%s in%n%s", nameAndLabels, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void healthIsUpWithRedisAndDownWithoutIt() throws Exception {
        TestSocket client = fixture.connectEstablished(sink);

        HttpResponse<String> up = get("/health");
        assertThat(up.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(up.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("redis").asText()).isEqualTo("UP");
        assertThat(body.path("connections").asInt()).isEqualTo(1);

        fixture.stopRedis();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> {
                            HttpResponse<String> down = get("/health");
                            assertThat(down.statusCode()).isEqualTo(503);
                            assertThat(JSON.readTree(down.body()).path("redis").asText())
                                    .isEqualTo("DOWN");
                        });
        // connected clients stay while Redis is away
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void itStartsWhileRedisIsAwayAndServesUpdatesOnceRedisComes(@TempDir Path dir)
            throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        WebSocketSink early = fixture.start(Map.of("redis.url", "redis://127.0.0.1:" + port));
        HttpRequest health =
                HttpRequest.newBuilder(SinkFixture.httpUri(early, "/health")).GET().build();
        assertThat(http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(503);
        TestSocket client = fixture.connectEstablished(early);
        client.subscribe("scada-data");

        try (EmbeddedRedisServer redis = EmbeddedRedisServer.builder(dir).port(port).start();
                RedisClient jedis = RedisClient.create(URI.create(redis.redisUrl()))) {
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () ->
                                    http.send(health, HttpResponse.BodyHandlers.ofString())
                                                    .statusCode()
                                            == 200);
            jedis.xadd(
                    SinkFixture.STREAM_1S,
                    XAddParams.xAddParams(),
                    Map.of(
                            "g",
                            "plant1.area03",
                            "d",
                            SinkFixture.message(1795735268000L, "pump007.pressure", 4.9)));
            JsonNode update = client.nextEvent("scada.data.received");
            assertThat(update.path("data").path("g").asText()).isEqualTo("plant1.area03");
        }
    }

    @Test
    void metricsShowConnectionsMessagesDisconnectsAndStreamLag() throws Exception {
        TestSocket staying = fixture.connectEstablished(sink);
        staying.subscribe("scada-data");
        TestSocket leaving = fixture.connectEstablished(sink);
        leaving.session().close(1000, "bye", org.eclipse.jetty.websocket.api.Callback.NOOP);
        assertThat(leaving.awaitClose()).isEqualTo(1000);
        fixture.publishUpdate(
                "plant1.area03", SinkFixture.message(1795735268000L, "pump007.pressure", 4.9));
        staying.nextEvent("scada.data.received");
        await().atMost(TestSocket.WAIT).until(() -> sink.connections() == 1);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String scrape = response.body();
        assertThat(sample(scrape, "sluice_websocket_connections")).isEqualTo(1.0);
        // connection_established x2, subscription_succeeded, the update
        assertThat(sample(scrape, "sluice_websocket_messages_out_total"))
                .isGreaterThanOrEqualTo(4.0);
        assertThat(sample(scrape, "sluice_websocket_disconnects_total{code=\"1000\"}"))
                .isEqualTo(1.0);
        assertThat(
                        sample(
                                scrape,
                                "sluice_websocket_stream_lag_ms{stream=\""
                                        + SinkFixture.STREAM_1S
                                        + "\"}"))
                .isZero();
    }

    @Test
    void stopClosesConnectedClientsWith4200() throws Exception {
        TestSocket first = fixture.connectEstablished(sink);
        first.subscribe("scada-data");
        TestSocket second = fixture.connectEstablished(sink);

        sink.stop();

        assertThat(first.awaitClose()).isEqualTo(4200);
        assertThat(second.awaitClose()).isEqualTo(4200);
        assertThat(sink.metrics().count("sluice.websocket.disconnects", "code", "4200"))
                .isEqualTo(2.0);
        assertThat(sink.connections()).isZero();
    }
}
