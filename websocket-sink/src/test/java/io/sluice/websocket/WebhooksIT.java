package io.sluice.websocket;

import io.sluice.websocket.testing.ClusterApps;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;
import io.sluice.websocket.testing.WebhookReceiver;

import com.fasterxml.jackson.databind.JsonNode;
import com.pusher.rest.Pusher;
import com.pusher.rest.data.Validity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks to a real HTTP receiver, from two instances: exactly one channel_occupied and one
 * channel_vacated per cluster-wide transition, member and client events, cache misses, signed so
 * that pusher-http-java's validation accepts them, and retried when the receiver fails.
 */
class WebhooksIT {
    private static final Duration SETTLE = Duration.ofSeconds(2);

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebhookReceiver receiver;
    private WebSocketSink one;
    private WebSocketSink two;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver();
        Map<String, String> config =
                Map.of("pusher.apps.file", ClusterApps.write(receiver.url()).toString());
        one = fixture.start(config);
        two = fixture.start(config);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private static List<String> names(List<JsonNode> events) {
        return events.stream()
                .map(e -> e.path("name").asText() + ":" + e.path("channel").asText())
                .toList();
    }

    @Test
    void oneOccupiedAndOneVacatedPerClusterTransition() throws Exception {
        TestSocket a = fixture.connectEstablished(one);
        a.subscribe("line-4");
        TestSocket b = fixture.connectEstablished(two);
        b.subscribe("line-4");
        TestSocket c = fixture.connectEstablished(two);
        c.subscribe("line-4");
        assertThat(names(receiver.events(SETTLE))).containsExactly("channel_occupied:line-4");

        a.session().close();
        b.send("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"line-4\"}}");
        assertThat(receiver.events(SETTLE)).isEmpty();
        c.session().close();
        assertThat(names(receiver.events(SETTLE))).containsExactly("channel_vacated:line-4");
    }

    @Test
    void signedAsPusherSignsThem() throws Exception {
        TestSocket a = fixture.connectEstablished(one);
        a.subscribe("signed");
        WebhookReceiver.Received r = receiver.poll(SETTLE);
        assertThat(r).isNotNull();
        assertThat(r.key()).isEqualTo(SinkFixture.KEY);
        Pusher pusher = new Pusher(SinkFixture.APP_ID, SinkFixture.KEY, SinkFixture.SECRET);
        assertThat(pusher.validateWebhookSignature(r.key(), r.signature(), r.body()))
                .isEqualTo(Validity.VALID);
        Pusher wrongSecret = new Pusher(SinkFixture.APP_ID, SinkFixture.KEY, "not-the-secret");
        assertThat(wrongSecret.validateWebhookSignature(r.key(), r.signature(), r.body()))
                .isEqualTo(Validity.INVALID);
        assertThat(r.json().path("time_ms").asLong()).isPositive();
    }

    @Test
    void membersClientEventsAndCacheMisses() throws Exception {
        String channel = "presence-crew";
        TestSocket alice = fixture.connectEstablished(one);
        alice.join(channel, "alice", "{}");
        TestSocket bob = fixture.connectEstablished(two);
        bob.join(channel, "bob", "{}");
        bob.trigger(channel, "client-hello", "{\"x\":1}");
        alice.nextEvent("client-hello");
        bob.session().close();
        TestSocket tile = fixture.connectEstablished(two);
        tile.subscribe("cache-tile-7");

        List<JsonNode> events = receiver.events(SETTLE);
        // Each instance sends its own batches, so only one instance's events keep their order:
        // alice's, on the instance that saw the channel occupied.
        List<String> named = new ArrayList<>();
        events.forEach(
                e ->
                        named.add(
                                e.path("name").asText()
                                        + ":"
                                        + e.path("channel").asText()
                                        + (e.has("user_id")
                                                ? ":" + e.path("user_id").asText()
                                                : "")));
        assertThat(named)
                .containsSubsequence(
                        "channel_occupied:" + channel, "member_added:" + channel + ":alice")
                .containsSubsequence(
                        "member_added:" + channel + ":bob",
                        "client_event:" + channel + ":bob",
                        "member_removed:" + channel + ":bob")
                .contains("cache_miss:cache-tile-7", "channel_occupied:cache-tile-7");
        assertThat(names(events)).filteredOn(n -> n.startsWith("member_added")).hasSize(2);
        JsonNode client =
                events.stream()
                        .filter(e -> e.path("name").asText().equals("client_event"))
                        .findFirst()
                        .orElseThrow();
        assertThat(client.path("event").asText()).isEqualTo("client-hello");
        assertThat(client.path("data").asText()).isEqualTo("{\"x\":1}");
        assertThat(client.path("user_id").asText()).isEqualTo("bob");
        assertThat(client.path("socket_id").asText()).isNotEmpty();
    }

    @Test
    void aFailedRequestIsTriedAgain() throws Exception {
        receiver.failFirst(2);
        TestSocket a = fixture.connectEstablished(one);
        a.subscribe("retried");
        assertThat(names(receiver.events(Duration.ofSeconds(4))))
                .containsExactly("channel_occupied:retried");
    }
}
