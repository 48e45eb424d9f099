package io.sluice.websocket;

import io.sluice.config.ConfigException;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.pusher.rest.Pusher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two apps of conf/apps.example.json on one server: their channels are apart, the job's data is in
 * both.
 */
class SeveralAppsIT {
    private static final String APPS = Path.of("../conf/apps.example.json").toString();

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;

    @BeforeEach
    void start() throws Exception {
        sink = fixture.start(Map.of("pusher.apps.file", APPS));
    }

    private TestSocket connect(String key) throws Exception {
        TestSocket s = fixture.connect(SinkFixture.wsUri(sink, "/app/" + key + "?protocol=7"));
        s.established(s.nextEvent("pusher:connection_established"));
        return s;
    }

    private Pusher http(String id, String key, String secret) {
        Pusher p = new Pusher(id, key, secret);
        p.setHost("127.0.0.1:" + sink.port());
        p.setEncrypted(false);
        return p;
    }

    @Test
    void anEventOfOneAppReachesOnlyThatAppsSubscribersOfTheSameChannelName() throws Exception {
        TestSocket scada = connect("scada-key");
        scada.subscribe("orders");
        TestSocket maintenance = connect("maintenance-key");
        maintenance.subscribe("orders");

        var result =
                http("maintenance-app", "maintenance-key", "maintenance-secret")
                        .trigger("orders", "work.order", Map.of("n", 7));

        assertThat(result.getHttpStatus()).isEqualTo(200);
        assertThat(maintenance.nextEvent("work.order").path("data").path("n").asInt()).isEqualTo(7);
        assertThat(scada.poll(Duration.ofMillis(500))).isNull();
    }

    @Test
    void eachAppSignsWithItsOwnSecret() throws Exception {
        var wrong =
                http("maintenance-app", "maintenance-key", "scada-secret")
                        .trigger("orders", "work.order", Map.of("n", 1));
        assertThat(wrong.getHttpStatus()).isEqualTo(401);

        TestSocket maintenance = connect("maintenance-key");
        String channel = "private-orders";
        String signedByTheOtherApp =
                SinkFixture.hmacSha256Hex("scada-secret", maintenance.socketId() + ":" + channel);
        maintenance.send(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                        + channel
                        + "\",\"auth\":\"maintenance-key:"
                        + signedByTheOtherApp
                        + "\"}}");
        assertThat(
                        maintenance
                                .nextEvent("pusher:subscription_error")
                                .path("data")
                                .path("status")
                                .asInt())
                .isEqualTo(401);
        maintenance.subscribe(
                channel,
                "maintenance-key:"
                        + SinkFixture.hmacSha256Hex(
                                "maintenance-secret", maintenance.socketId() + ":" + channel));
    }

    @Test
    void theJobsUpdatesReachTheDataChannelsOfEveryApp() throws Exception {
        TestSocket scada = connect("scada-key");
        scada.subscribe("scada-data");
        TestSocket maintenance = connect("maintenance-key");
        maintenance.subscribe("scada-data");

        String id =
                fixture.publishUpdate("plant1.area03", SinkFixture.message(60_000, "p.v", 1.5))
                        .toString();

        for (TestSocket s : new TestSocket[] {scada, maintenance}) {
            String got;
            do {
                got = s.nextEvent("scada.data.received").path("data").path("id").asText();
            } while (!got.equals(id)); // after the snapshot
        }
    }

    @Test
    void anUnknownKeyGets4001AndAnUnknownAppIdA404() throws Exception {
        TestSocket stranger = fixture.connect(SinkFixture.wsUri(sink, "/app/nobody?protocol=7"));
        assertThat(stranger.nextEvent("pusher:error").path("data").path("code").asInt())
                .isEqualTo(4001);
        assertThat(stranger.awaitClose()).isEqualTo(4001);
        assertThat(
                        http("nobody", "maintenance-key", "maintenance-secret")
                                .trigger("orders", "x", Map.of())
                                .getHttpStatus())
                .isEqualTo(404);
    }

    @Test
    void aDisabledAppsClientsGet4003() throws Exception {
        Path file = Files.createTempFile("apps", ".json");
        Files.writeString(
                file,
                "{\"apps\":[{\"id\":\"a\",\"key\":\"on\",\"secret\":\"s\"},"
                        + "{\"id\":\"b\",\"key\":\"off\",\"secret\":\"t\",\"enabled\":false}]}");
        try {
            WebSocketSink other = fixture.start(Map.of("pusher.apps.file", file.toString()));
            TestSocket refused = fixture.connect(SinkFixture.wsUri(other, "/app/off?protocol=7"));
            assertThat(refused.awaitClose()).isEqualTo(4003);
            TestSocket served = fixture.connect(SinkFixture.wsUri(other, "/app/on?protocol=7"));
            assertThat(served.nextEvent("pusher:connection_established")).isNotNull();
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aMalformedWebhookUrlStopsTheServiceFromStartingAndNamesTheKey() throws Exception {
        Path file = Files.createTempFile("apps", ".json");
        Files.writeString(
                file,
                "{\"apps\":[{\"id\":\"a\",\"key\":\"k\",\"secret\":\"s\",\"webhooks\":"
                        + "[{\"url\":\"http//no-colon\",\"event_types\":[\"channel_occupied\"]}]}]}");
        try {
            assertThatThrownBy(() -> fixture.start(Map.of("pusher.apps.file", file.toString())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("pusher.apps.file")
                    .hasMessageContaining("http//no-colon");
        } finally {
            Files.delete(file);
        }
    }
}
