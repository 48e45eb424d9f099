package io.sluice.websocket;

import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.StreamEntryID;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Bad input from one client gets the protocol's answer, is counted, and harms no one else.
 *
 * <p>Each test has a bystander: a well-behaved client, connected the whole time, subscribed to a
 * group channel, which must still get a live update published after the bad input.
 */
class BadInputIT {
    private static final String GROUP = "plant1.area03";
    private static final String GROUP_CHANNEL = "scada-data." + GROUP;
    private static final String ALLOWED_ORIGIN = "https://ok.example";

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;
    private TestSocket bystander;
    private long windowStart = 1795735268000L;

    /**
     * Starts an instance and connects the bystander (with an allowed Origin, for the allow-list
     * test).
     */
    private void start(Map<String, String> overrides) throws Exception {
        sink = fixture.start(overrides);
        bystander =
                fixture.connectEstablished(sink, SinkFixture.withOrigin(ALLOWED_ORIGIN))
                        .answeringPings();
        bystander.subscribe(GROUP_CHANNEL);
    }

    private void start() throws Exception {
        start(Map.of());
    }

    private double errors(String kind) {
        return sink.metrics().count("sluice.websocket.errors", "kind", kind);
    }

    private double disconnects(int code) {
        return sink.metrics().count("sluice.websocket.disconnects", "code", Integer.toString(code));
    }

    /** Publishes a live update and checks that the bystander gets exactly that entry. */
    private void assertBystanderGetsLiveUpdate() throws Exception {
        windowStart += 1000;
        StreamEntryID id =
                fixture.publishUpdate(
                        GROUP, SinkFixture.message(windowStart, "pump007.pressure", 4.9));
        JsonNode update = bystander.nextEvent("scada.data.received");
        assertThat(update.path("channel").asText()).isEqualTo(GROUP_CHANNEL);
        assertThat(update.path("data").path("id").asText()).isEqualTo(id.toString());
        assertThat(update.path("data").path("s").asLong()).isEqualTo(windowStart);
        assertThat(bystander.isOpen()).isTrue();
    }

    /**
     * A pusher:ping answered with a pusher:pong as the very next message: the connection is still
     * served.
     */
    private static void assertStillServed(TestSocket socket) throws Exception {
        socket.send("{\"event\":\"pusher:ping\",\"data\":{}}");
        assertThat(socket.next().path("event").asText()).isEqualTo("pusher:pong");
        assertThat(socket.isOpen()).isTrue();
    }

    /** The next message is a pusher:error with this code (null for none). */
    private static JsonNode assertError(TestSocket socket, Integer code) throws Exception {
        JsonNode error = socket.next();
        assertThat(error.path("event").asText()).isEqualTo("pusher:error");
        if (code == null) {
            assertThat(error.path("data").has("code")).isTrue();
            assertThat(error.path("data").get("code").isNull()).as("code of %s", error).isTrue();
        } else {
            assertThat(error.path("data").path("code").asInt())
                    .as("code of %s", error)
                    .isEqualTo(code);
        }
        assertThat(error.path("data").path("message").asText()).isNotBlank();
        return error;
    }

    @Test
    void malformedJsonGetsAnErrorWithoutCodeAndTheConnectionStays() throws Exception {
        start();
        TestSocket bad = fixture.connectEstablished(sink);

        bad.send("{\"event\":\"pusher:subscribe\",\"data\":");

        assertError(bad, null);
        assertThat(errors("malformed")).isEqualTo(1.0);
        assertStillServed(bad);
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void unknownEventGetsAnErrorAndTheConnectionStays() throws Exception {
        start();
        TestSocket bad = fixture.connectEstablished(sink);

        bad.send("{\"event\":\"pusher:frobnicate\",\"data\":{}}");

        assertError(bad, null);
        assertThat(errors("unknown-event")).isEqualTo(1.0);
        assertStillServed(bad);
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void clientEventGetsAnErrorAndIsNotRelayedToOtherSubscribers() throws Exception {
        start();
        TestSocket bad = fixture.connectEstablished(sink);
        bad.subscribe(GROUP_CHANNEL);

        bad.send(
                "{\"event\":\"client-typing\",\"channel\":\""
                        + GROUP_CHANNEL
                        + "\",\"data\":{\"text\":\"hi\"}}");

        assertError(bad, null);
        assertThat(errors("client-event")).isEqualTo(1.0);
        assertStillServed(bad);
        // the bystander's next message is the live update, not the client event
        windowStart += 1000;
        StreamEntryID id =
                fixture.publishUpdate(
                        GROUP, SinkFixture.message(windowStart, "pump007.pressure", 4.9));
        JsonNode next = bystander.next();
        assertThat(next.path("event").asText()).isEqualTo("scada.data.received");
        assertThat(next.path("data").path("id").asText()).isEqualTo(id.toString());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(
            strings = {
                "scada data!",
                "scada-data/plant1",
                "" // the empty name
            })
    void badChannelNameGetsAnErrorAndTheConnectionStays(String channel) throws Exception {
        start();
        TestSocket bad = fixture.connectEstablished(sink);

        bad.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}");

        assertError(bad, null);
        assertThat(errors("bad-channel")).isEqualTo(1.0);
        assertThat(sink.hub().subscriptions()).isEqualTo(1); // the bystander's only
        assertStillServed(bad);
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void channelNameOver164CharactersGetsAnErrorWhile164AreAccepted() throws Exception {
        start();
        TestSocket bad = fixture.connectEstablished(sink);
        String longest = "c".repeat(164);

        bad.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + longest + "c\"}}");

        assertError(bad, null);
        assertThat(errors("bad-channel")).isEqualTo(1.0);
        bad.subscribe(longest);
        assertStillServed(bad);
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void privateChannelWithoutOrWithBadAuthGetsASubscriptionErrorAndTheRightSignatureSubscribes()
            throws Exception {
        start();
        TestSocket client = fixture.connectEstablished(sink);
        String channel = "private-" + GROUP_CHANNEL;
        String signature =
                SinkFixture.hmacSha256Hex(SinkFixture.SECRET, client.socketId() + ":" + channel);
        String wrongSignature =
                SinkFixture.hmacSha256Hex("not-the-secret", client.socketId() + ":" + channel);
        String[] badSubscriptions = {
            "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}",
            subscribe(channel, SinkFixture.KEY + ":" + wrongSignature),
            subscribe(channel, "other-key:" + signature),
            subscribe(
                    channel,
                    SinkFixture.KEY
                            + ":"
                            + SinkFixture.hmacSha256Hex(SinkFixture.SECRET, "1.2:" + channel)),
            subscribe(channel, signature), // no key in front
        };

        for (String subscription : badSubscriptions) {
            client.send(subscription);
            JsonNode error = client.nextEvent("pusher:subscription_error");
            assertThat(error.path("channel").asText()).isEqualTo(channel);
            assertThat(error.path("data").path("type").asText()).isEqualTo("AuthError");
            assertThat(error.path("data").path("status").asInt()).isEqualTo(401);
            assertThat(error.path("data").path("error").asText()).contains("Invalid signature");
            assertThat(client.isOpen()).isTrue();
        }
        assertThat(errors("unauthorized")).isEqualTo(badSubscriptions.length);
        assertThat(sink.hub().subscriptions()).isEqualTo(1); // the bystander's only

        client.subscribe(channel, SinkFixture.KEY + ":" + signature);
        windowStart += 1000;
        StreamEntryID id =
                fixture.publishUpdate(
                        GROUP, SinkFixture.message(windowStart, "pump007.pressure", 4.9));
        JsonNode update = client.nextEvent("scada.data.received");
        assertThat(update.path("channel").asText()).isEqualTo(channel);
        assertThat(update.path("data").path("id").asText()).isEqualTo(id.toString());
        assertThat(bystander.nextEvent("scada.data.received").path("data").path("id").asText())
                .isEqualTo(id.toString());
        assertBystanderGetsLiveUpdate();
    }

    private static String subscribe(String channel, String auth) {
        return "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                + channel
                + "\",\"auth\":\""
                + auth
                + "\"}}";
    }

    @Test
    void frameOverTheMaximumSizeClosesWith1009WhileOneAtTheMaximumIsServed() throws Exception {
        start();
        TestSocket client = fixture.connectEstablished(sink);
        String ping = "{\"event\":\"pusher:ping\",\"data\":{\"pad\":\"\"}}";
        String atMaximum =
                ping.replace(
                        "\"pad\":\"\"", "\"pad\":\"" + "x".repeat(10240 - ping.length()) + "\"");
        assertThat(atMaximum).hasSize(10240);

        client.send(atMaximum);
        assertThat(client.next().path("event").asText()).isEqualTo("pusher:pong");
        client.send(atMaximum.replace("\"pad\":\"", "\"pad\":\"x"));

        assertThat(client.awaitClose()).isEqualTo(1009);
        await().atMost(TestSocket.WAIT)
                .untilAsserted(
                        () -> {
                            assertThat(errors("oversized-frame")).isEqualTo(1.0);
                            assertThat(disconnects(1009)).isEqualTo(1.0);
                        });
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void binaryFrameClosesWith1003() throws Exception {
        start();
        TestSocket client = fixture.connectEstablished(sink);

        client.sendBinary(
                "{\"event\":\"pusher:ping\",\"data\":{}}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(client.awaitClose()).isEqualTo(1003);
        await().atMost(TestSocket.WAIT)
                .untilAsserted(
                        () -> {
                            assertThat(errors("binary-frame")).isEqualTo(1.0);
                            assertThat(disconnects(1003)).isEqualTo(1.0);
                        });
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void floodOverTheRateLimitGetsError4301AndIsClosedWith4301() throws Exception {
        start(Map.of("websocket.max.client.messages.per.s", "20"));
        TestSocket client = fixture.connectEstablished(sink);

        // 21 messages within a second: the 21st is one too many
        for (int i = 0; i < 21; i++) {
            client.send("{\"event\":\"pusher:ping\",\"data\":{}}");
        }

        for (int i = 0; i < 20; i++) {
            assertThat(client.next().path("event").asText()).isEqualTo("pusher:pong");
        }
        assertError(client, 4301);
        assertThat(client.awaitClose()).isEqualTo(4301);
        await().atMost(TestSocket.WAIT)
                .untilAsserted(
                        () -> {
                            assertThat(errors("rate-limit")).isEqualTo(1.0);
                            assertThat(disconnects(4301)).isEqualTo(1.0);
                        });
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void messagesUpToTheRateLimitAreServed() throws Exception {
        start(Map.of("websocket.max.client.messages.per.s", "20"));
        TestSocket client = fixture.connectEstablished(sink);

        for (int i = 0; i < 20; i++) {
            client.send("{\"event\":\"pusher:ping\",\"data\":{}}");
        }

        for (int i = 0; i < 20; i++) {
            assertThat(client.next().path("event").asText()).isEqualTo("pusher:pong");
        }
        assertThat(client.isOpen()).isTrue();
        assertThat(errors("rate-limit")).isZero();
    }

    @Test
    void wrongAppKeyIsClosedWith4001() throws Exception {
        start();
        TestSocket client =
                fixture.connect(
                        SinkFixture.wsUri(
                                sink, "/app/not-our-key?protocol=7&client=js&version=8.6.0"));

        assertError(client, 4001);
        assertThat(client.awaitClose()).isEqualTo(4001);
        assertThat(errors("unknown-app")).isEqualTo(1.0);
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void missingProtocolIsClosedWith4008() throws Exception {
        start();
        TestSocket client =
                fixture.connect(
                        SinkFixture.wsUri(
                                sink, "/app/" + SinkFixture.KEY + "?client=js&version=8.6.0"));

        assertError(client, 4008);
        assertThat(client.awaitClose()).isEqualTo(4008);
        assertThat(errors("no-protocol")).isEqualTo(1.0);
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void unsupportedProtocolIsClosedWith4007() throws Exception {
        start();
        TestSocket client =
                fixture.connect(
                        SinkFixture.wsUri(
                                sink, "/app/" + SinkFixture.KEY + "?protocol=99&client=js"));

        assertError(client, 4007);
        assertThat(client.awaitClose()).isEqualTo(4007);
        assertThat(errors("bad-protocol")).isEqualTo(1.0);
        assertThat(sink.connections()).isEqualTo(1); // the bystander
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void originOutsideTheAllowListIsRefusedWith403BeforeTheUpgrade() throws Exception {
        start(Map.of("websocket.allowed.origins", ALLOWED_ORIGIN));

        Throwable refused =
                catchThrowable(
                        () ->
                                fixture.client()
                                        .connect(
                                                new TestSocket(),
                                                SinkFixture.wsUri(sink),
                                                SinkFixture.withOrigin("https://evil.example"))
                                        .get(10, TimeUnit.SECONDS));

        assertThat(refused).isInstanceOf(ExecutionException.class);
        assertThat(refused.getCause()).isInstanceOf(UpgradeException.class);
        assertThat(((UpgradeException) refused.getCause()).getResponseStatusCode()).isEqualTo(403);
        assertThat(errors("origin")).isEqualTo(1.0);
        TestSocket allowed =
                fixture.connectEstablished(sink, SinkFixture.withOrigin(ALLOWED_ORIGIN));
        assertThat(allowed.socketId()).isNotBlank();
        assertThat(sink.connections()).isEqualTo(2);
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void connectionOverTheMaximumIsClosedWith4100AndItsSlotIsFreedForTheNext() throws Exception {
        start(Map.of("websocket.max.connections", "2"));
        TestSocket second = fixture.connectEstablished(sink);

        TestSocket third = fixture.connect(SinkFixture.wsUri(sink));

        assertError(third, 4100);
        assertThat(third.awaitClose()).isEqualTo(4100);
        assertThat(errors("over-capacity")).isEqualTo(1.0);
        assertThat(sink.connections()).isEqualTo(2);
        // a refused connection does not take a slot, a closed one gives its slot back
        second.session().close();
        await().atMost(TestSocket.WAIT).until(() -> sink.connections() == 1);
        TestSocket next = fixture.connectEstablished(sink);
        assertThat(next.isOpen()).isTrue();
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void silentClientIsPingedAndClosedWith4201WhenItDoesNotAnswer() throws Exception {
        start(Map.of("websocket.activity.timeout.s", "1", "websocket.pong.timeout.ms", "500"));
        TestSocket silent = fixture.connect(SinkFixture.wsUri(sink));
        JsonNode established = silent.nextEvent("pusher:connection_established");
        assertThat(established.path("data").path("activity_timeout").asInt()).isEqualTo(1);

        assertThat(silent.next().path("event").asText()).isEqualTo("pusher:ping");

        assertThat(silent.awaitClose()).isEqualTo(4201);
        await().atMost(TestSocket.WAIT)
                .untilAsserted(
                        () -> {
                            assertThat(errors("pong-timeout")).isEqualTo(1.0);
                            assertThat(disconnects(4201)).isEqualTo(1.0);
                        });
        assertBystanderGetsLiveUpdate();
    }

    @Test
    void clientThatAnswersThePingWithPongStays() throws Exception {
        start(Map.of("websocket.activity.timeout.s", "1", "websocket.pong.timeout.ms", "500"));
        TestSocket answering = fixture.connectEstablished(sink);

        for (int ping = 0; ping < 2; ping++) {
            assertThat(answering.next().path("event").asText()).isEqualTo("pusher:ping");
            answering.send("{\"event\":\"pusher:pong\",\"data\":{}}");
        }

        // a second ping came, and it came after the first one's pong deadline: the pong was taken
        assertThat(answering.isOpen()).isTrue();
        assertThat(errors("pong-timeout")).isZero();
        assertThat(disconnects(4201)).isZero();
        assertBystanderGetsLiveUpdate();
    }
}
