package io.sluice.websocket;

import io.sluice.websocket.testing.ClusterApps;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client events (client-*) across two instances: delivered to the channel's other subscribers
 * everywhere, never echoed, with user_id on presence channels; refused with the protocol's errors
 * where Pusher refuses them, and rate-limited per connection.
 */
class ClientEventsIT {
    private static final Duration QUIET = Duration.ofMillis(500);

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink one;
    private WebSocketSink two;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> config =
                Map.of(
                        "pusher.apps.file",
                        ClusterApps.write("http://127.0.0.1:9/unused").toString());
        one = fixture.start(config);
        two = fixture.start(config);
    }

    @Test
    void aPrivateChannelsClientEventReachesTheOthersOnEveryInstanceButNotTheSender()
            throws Exception {
        String channel = "private-operators";
        TestSocket sender = fixture.connectEstablished(one);
        sender.subscribe(channel, sender.privateAuth(channel));
        TestSocket sameInstance = fixture.connectEstablished(one);
        sameInstance.subscribe(channel, sameInstance.privateAuth(channel));
        TestSocket otherInstance = fixture.connectEstablished(two);
        otherInstance.subscribe(channel, otherInstance.privateAuth(channel));

        sender.trigger(channel, "client-typing", "{\"who\":\"op1\"}");

        for (TestSocket s : new TestSocket[] {sameInstance, otherInstance}) {
            JsonNode e = s.nextEvent("client-typing");
            assertThat(e.path("channel").asText()).isEqualTo(channel);
            assertThat(e.path("data").path("who").asText()).isEqualTo("op1");
            assertThat(e.has("user_id")).isFalse();
        }
        assertThat(sender.poll(QUIET)).isNull();
    }

    @Test
    void aPresenceChannelsClientEventCarriesTheSendersUserId() throws Exception {
        String channel = "presence-shift";
        TestSocket alice = fixture.connectEstablished(one);
        alice.join(channel, "alice", "{}");
        TestSocket bob = fixture.connectEstablished(two);
        bob.join(channel, "bob", "{}");
        alice.nextEvent("pusher_internal:member_added");

        bob.trigger(channel, "client-whisper", "{\"text\":\"hi\"}");
        JsonNode e = alice.nextEvent("client-whisper");
        assertThat(e.path("user_id").asText()).isEqualTo("bob");
        assertThat(e.path("data").path("text").asText()).isEqualTo("hi");
    }

    @Test
    void refusedWherePusherRefusesThem() throws Exception {
        TestSocket s = fixture.connectEstablished(one);
        s.subscribe("plain-public");
        s.trigger("plain-public", "client-x", "{}");
        assertRejected(s, "only supported on private and presence channels");

        s.trigger("private-not-subscribed", "client-x", "{}");
        assertRejected(s, "not subscribed");

        String encrypted = "private-encrypted-secrets";
        s.subscribe(encrypted, s.privateAuth(encrypted));
        s.trigger(encrypted, "client-x", "{}");
        assertRejected(s, "encrypted");

        TestSocket quiet =
                fixture.connect(
                        SinkFixture.wsUri(
                                one, "/app/" + ClusterApps.QUIET_KEY + "?protocol=7&client=js"));
        quiet.nextEvent("pusher:connection_established");
        quiet.send("{\"event\":\"client-x\",\"channel\":\"private-a\",\"data\":{}}");
        assertRejected(quiet, "not enabled");

        assertThat(s.isOpen()).isTrue();
        assertThat(quiet.isOpen()).isTrue();
    }

    @Test
    void aFloodGets4301AndTheConnectionStays() throws Exception {
        String channel = "private-flood";
        TestSocket flooder = fixture.connectEstablished(one);
        flooder.subscribe(channel, flooder.privateAuth(channel));
        TestSocket listener = fixture.connectEstablished(two);
        listener.subscribe(channel, listener.privateAuth(channel));

        int sent = ClusterApps.MAX_CLIENT_EVENTS_PER_SECOND * 3;
        for (int i = 0; i < sent; i++) {
            flooder.trigger(channel, "client-n", "{\"i\":" + i + "}");
        }
        JsonNode error = flooder.nextEvent("pusher:error");
        assertThat(error.path("data").path("code").asInt()).isEqualTo(4301);

        int delivered = 0;
        while (listener.poll(QUIET) != null) {
            delivered++;
        }
        assertThat(delivered).isBetween(ClusterApps.MAX_CLIENT_EVENTS_PER_SECOND, sent - 1);
        assertThat(flooder.isOpen()).isTrue();
        Thread.sleep(1100);
        flooder.trigger(channel, "client-n", "{\"after\":true}");
        assertThat(listener.nextEvent("client-n").path("data").path("after").asBoolean()).isTrue();
    }

    private static void assertRejected(TestSocket s, String why) throws Exception {
        JsonNode error = s.nextEvent("pusher:error");
        assertThat(error.path("data").path("message").asText()).contains(why);
    }
}
