package io.sluice.websocket;

import io.sluice.websocket.stream.RedisClusterState;
import io.sluice.websocket.testing.ClusterApps;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence channels across two instances on one Redis: members, one member per user whatever its
 * connections, member_added and member_removed everywhere, the limits, and a crashed instance's
 * members removed through the heartbeats.
 */
class PresenceIT {
    private static final String CHANNEL = "presence-control-room";
    private static final Duration QUIET = Duration.ofMillis(500);

    @RegisterExtension final SinkFixture fixture = new SinkFixture();

    private Map<String, String> config() throws Exception {
        return Map.of(
                "pusher.apps.file",
                ClusterApps.write("http://127.0.0.1:9/unused").toString(),
                "websocket.instance.timeout.ms",
                "1500");
    }

    private static List<String> ids(JsonNode presence) {
        List<String> ids = new ArrayList<>();
        presence.path("ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    @Test
    void oneMemberPerUserAcrossConnectionsAndInstances() throws Exception {
        Map<String, String> config = config();
        WebSocketSink one = fixture.start(config);
        WebSocketSink two = fixture.start(config);

        TestSocket alice = fixture.connectEstablished(one);
        JsonNode first = alice.join(CHANNEL, "alice", "{\"name\":\"Alice\"}");
        assertThat(first.path("count").asInt()).isEqualTo(1);
        assertThat(first.path("hash").path("alice").path("name").asText()).isEqualTo("Alice");

        TestSocket bob = fixture.connectEstablished(two);
        JsonNode second = bob.join(CHANNEL, "bob", "{\"name\":\"Bob\"}");
        assertThat(ids(second)).containsExactlyInAnyOrder("alice", "bob");
        assertThat(second.path("count").asInt()).isEqualTo(2);

        JsonNode added = alice.nextEvent("pusher_internal:member_added");
        assertThat(added.path("channel").asText()).isEqualTo(CHANNEL);
        assertThat(added.path("data").path("user_id").asText()).isEqualTo("bob");
        assertThat(added.path("data").path("user_info").path("name").asText()).isEqualTo("Bob");

        // Alice in a second tab, on the other instance: still one member, nobody is told.
        TestSocket aliceTab = fixture.connectEstablished(two);
        assertThat(ids(aliceTab.join(CHANNEL, "alice", "{\"name\":\"Alice\"}")))
                .containsExactlyInAnyOrder("alice", "bob");
        assertThat(bob.poll(QUIET)).isNull();

        // Her first tab leaves: she is still there.
        alice.send("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"" + CHANNEL + "\"}}");
        assertThat(bob.poll(QUIET)).isNull();

        // Her last tab goes: removed, on the other instance too.
        aliceTab.session().close();
        JsonNode removed = bob.nextEvent("pusher_internal:member_removed");
        assertThat(removed.path("data").path("user_id").asText()).isEqualTo("alice");

        var users = SinkFixture.pusher(one).get("/channels/" + CHANNEL + "/users");
        assertThat(users.getMessage()).isEqualTo("{\"users\":[{\"id\":\"bob\"}]}");
    }

    @Test
    void aCrashedInstancesMembersAreRemoved() throws Exception {
        WebSocketSink live = fixture.start(config());
        TestSocket watcher = fixture.connectEstablished(live);
        watcher.join(CHANNEL, "watcher", "null");

        // Another instance, as its cluster state: a member joins there, then it stops beating.
        RedisClusterState crashed = (RedisClusterState) crashedInstance().broker().cluster();
        crashed.join(SinkFixture.APP_ID, CHANNEL, "ghost", "{\"name\":\"Ghost\"}", 100);
        crashed.subscribed(SinkFixture.APP_ID, CHANNEL);
        crashed.stopHeartbeat();

        long stoppedAt = System.nanoTime();
        JsonNode removed = watcher.nextEvent("pusher_internal:member_removed");
        long tookMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        assertThat(removed.path("data").path("user_id").asText()).isEqualTo("ghost");
        // The instance timeout is 1.5 s, checked every 0.5 s.
        assertThat(tookMs).isLessThan(5_000);
        assertThat(live.broker().cluster().members(SinkFixture.APP_ID, CHANNEL))
                .containsOnlyKeys("watcher");
        assertThat(live.broker().cluster().channels(SinkFixture.APP_ID)).containsEntry(CHANNEL, 1L);
    }

    /** An instance whose clients would be in Redis when it dies; its server never serves. */
    private WebSocketSink crashedInstance() throws Exception {
        return fixture.start(config());
    }

    @Test
    void limitsAndBadChannelData() throws Exception {
        WebSocketSink sink = fixture.start(config());
        List<TestSocket> members = new ArrayList<>();
        for (int i = 0; i < ClusterApps.MAX_MEMBERS; i++) {
            TestSocket s = fixture.connectEstablished(sink);
            s.join(CHANNEL, "user" + i, "{}");
            members.add(s);
        }
        TestSocket late = fixture.connectEstablished(sink);
        late.sendPresenceSubscribe(CHANNEL, "{\"user_id\":\"late\"}");
        JsonNode full = late.nextEvent("pusher:subscription_error");
        assertThat(full.path("data").path("type").asText()).isEqualTo("LimitReached");
        assertThat(full.path("data").path("status").asInt()).isEqualTo(4100);

        TestSocket big = fixture.connectEstablished(sink);
        big.sendPresenceSubscribe(
                "presence-other",
                "{\"user_id\":\"big\",\"user_info\":{\"bio\":\"" + "x".repeat(1100) + "\"}}");
        JsonNode tooBig = big.nextEvent("pusher:subscription_error");
        assertThat(tooBig.path("data").path("type").asText()).isEqualTo("LimitReached");

        TestSocket forged = fixture.connectEstablished(sink);
        forged.send(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"presence-other\","
                        + "\"auth\":\"scada-key:0000\",\"channel_data\":\"{\\\"user_id\\\":\\\"x\\\"}\"}}");
        JsonNode authError = forged.nextEvent("pusher:subscription_error");
        assertThat(authError.path("data").path("type").asText()).isEqualTo("AuthError");
        assertThat(authError.path("data").path("status").asInt()).isEqualTo(401);

        TestSocket missing = fixture.connectEstablished(sink);
        missing.send(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"presence-other\","
                        + "\"auth\":\"scada-key:0000\"}}");
        assertThat(
                        missing.nextEvent("pusher:subscription_error")
                                .path("data")
                                .path("status")
                                .asInt())
                .isEqualTo(401);

        TestSocket noUser = fixture.connectEstablished(sink);
        noUser.sendPresenceSubscribe("presence-other", "{\"name\":\"nobody\"}");
        assertThat(
                        noUser.nextEvent("pusher:subscription_error")
                                .path("data")
                                .path("status")
                                .asInt())
                .isEqualTo(400);

        // Everyone stays connected and served.
        for (TestSocket s : List.of(late, big, forged, missing, noUser)) {
            assertThat(s.isOpen()).isTrue();
        }
        members.get(0).send("{\"event\":\"pusher:ping\",\"data\":{}}");
        assertThat(members.get(0).nextEvent("pusher:pong")).isNotNull();
    }
}
