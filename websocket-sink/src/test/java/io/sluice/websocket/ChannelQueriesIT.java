package io.sluice.websocket;

import io.sluice.websocket.testing.ClusterApps;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pusher.rest.Pusher;
import com.pusher.rest.data.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API's queries and terminate_connections, through pusher-http-java, answered for two
 * instances at once; user sign-in and the #server-to-user channel; cache channels; the apps' HTTP
 * rate limits.
 */
class ChannelQueriesIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink one;
    private WebSocketSink two;
    private Pusher api;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> config =
                Map.of(
                        "pusher.apps.file",
                        ClusterApps.write("http://127.0.0.1:9/unused").toString());
        one = fixture.start(config);
        two = fixture.start(config);
        api = SinkFixture.pusher(one);
    }

    private static JsonNode json(Result r) throws Exception {
        assertThat(r.getHttpStatus()).as(r.getMessage()).isEqualTo(200);
        return MAPPER.readTree(r.getMessage());
    }

    @Test
    void channelsAreCountedAcrossInstances() throws Exception {
        TestSocket a = fixture.connectEstablished(one);
        a.subscribe("line-1");
        a.join("presence-room", "alice", "{}");
        TestSocket b = fixture.connectEstablished(two);
        b.subscribe("line-1");
        b.join("presence-room", "bob", "{}");
        TestSocket c = fixture.connectEstablished(two);
        c.join("presence-room", "bob", "{}");

        JsonNode all = json(api.get("/channels", Map.of("info", "subscription_count")));
        assertThat(all.path("channels").path("line-1").path("subscription_count").asInt())
                .isEqualTo(2);
        assertThat(all.path("channels").path("presence-room").path("subscription_count").asInt())
                .isEqualTo(3);

        JsonNode presence =
                json(
                        api.get(
                                "/channels",
                                Map.of("filter_by_prefix", "presence-", "info", "user_count")));
        assertThat(presence.path("channels").size()).isEqualTo(1);
        assertThat(presence.path("channels").path("presence-room").path("user_count").asInt())
                .isEqualTo(2);

        JsonNode room =
                json(
                        SinkFixture.pusher(two)
                                .get(
                                        "/channels/presence-room",
                                        Map.of("info", "user_count,subscription_count")));
        assertThat(room.path("occupied").asBoolean()).isTrue();
        assertThat(room.path("user_count").asInt()).isEqualTo(2);
        assertThat(room.path("subscription_count").asInt()).isEqualTo(3);

        assertThat(json(api.get("/channels/nobody-here")).path("occupied").asBoolean()).isFalse();
        JsonNode users = json(api.get("/channels/presence-room/users"));
        assertThat(users.toString()).contains("{\"id\":\"alice\"}", "{\"id\":\"bob\"}");

        // Bad queries get 400, with Pusher's rules.
        assertThat(api.get("/channels", Map.of("info", "user_count")).getHttpStatus())
                .isEqualTo(400);
        assertThat(api.get("/channels/line-1", Map.of("info", "bogus")).getHttpStatus())
                .isEqualTo(400);
        assertThat(api.get("/channels/line-1/users").getHttpStatus()).isEqualTo(400);
        Pusher forged = new Pusher(SinkFixture.APP_ID, SinkFixture.KEY, "wrong");
        forged.setHost("127.0.0.1:" + one.port());
        assertThat(forged.get("/channels").getHttpStatus()).isEqualTo(401);

        // /events with info answers with the counts.
        Result event =
                api.post(
                        "/events",
                        "{\"name\":\"e\",\"channels\":[\"line-1\"],\"data\":\"{}\","
                                + "\"info\":\"subscription_count\"}");
        assertThat(json(event).path("channels").path("line-1").path("subscription_count").asInt())
                .isEqualTo(2);
    }

    @Test
    void terminateConnectionsClosesTheUsersConnectionsOnEveryInstance() throws Exception {
        TestSocket tab1 = fixture.connectEstablished(one);
        tab1.join("presence-room", "mallory", "{}");
        TestSocket tab2 = fixture.connectEstablished(two);
        signIn(tab2, "mallory");
        TestSocket other = fixture.connectEstablished(two);
        signIn(other, "trent");

        Result r = api.post("/users/mallory/terminate_connections", "{}");
        assertThat(r.getHttpStatus()).isEqualTo(200);
        assertThat(tab1.awaitClose()).isEqualTo(4009);
        assertThat(tab2.awaitClose()).isEqualTo(4009);
        assertThat(other.isOpen()).isTrue();
    }

    @Test
    void signInAndTheUsersOwnChannel() throws Exception {
        TestSocket tab1 = fixture.connectEstablished(one);
        signIn(tab1, "op-7");
        TestSocket tab2 = fixture.connectEstablished(two);
        signIn(tab2, "op-7");

        Result r =
                api.post(
                        "/events",
                        "{\"name\":\"alarm\",\"channels\":[\"#server-to-user-op-7\"],"
                                + "\"data\":\"{\\\"tag\\\":\\\"T-101\\\"}\"}");
        assertThat(r.getHttpStatus()).as(r.getMessage()).isEqualTo(200);
        for (TestSocket s : new TestSocket[] {tab1, tab2}) {
            JsonNode e = s.nextEvent("alarm");
            assertThat(e.path("channel").asText()).isEqualTo("#server-to-user-op-7");
            assertThat(e.path("data").path("tag").asText()).isEqualTo("T-101");
        }

        TestSocket forged = fixture.connectEstablished(one);
        forged.send(
                "{\"event\":\"pusher:signin\",\"data\":{\"auth\":\"scada-key:00\","
                        + "\"user_data\":\"{\\\"id\\\":\\\"op-7\\\"}\"}}");
        assertThat(forged.nextEvent("pusher:error").path("data").path("code").asInt())
                .isEqualTo(4009);
        assertThat(forged.awaitClose()).isEqualTo(4009);
        assertThat(tab1.isOpen()).isTrue();
    }

    @Test
    void aCacheChannelReplaysItsLastEventOrReportsAMiss() throws Exception {
        TestSocket early = fixture.connectEstablished(one);
        early.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"cache-tile-3\"}}");
        early.nextEvent("pusher_internal:subscription_succeeded");
        assertThat(early.nextEvent("pusher:cache_miss").path("channel").asText())
                .isEqualTo("cache-tile-3");

        api.trigger("cache-tile-3", "value", Map.of("v", 1));
        api.trigger("cache-tile-3", "value", Map.of("v", 2));
        assertThat(early.nextEvent("value").path("data").path("v").asInt()).isEqualTo(1);

        TestSocket late = fixture.connectEstablished(two);
        late.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"cache-tile-3\"}}");
        late.nextEvent("pusher_internal:subscription_succeeded");
        JsonNode replay = late.next();
        assertThat(replay.path("event").asText()).isEqualTo("value");
        assertThat(replay.path("data").path("v").asInt()).isEqualTo(2);
    }

    @Test
    void anAppsHttpRateLimitGets429() throws Exception {
        Pusher quiet =
                new Pusher(ClusterApps.QUIET_ID, ClusterApps.QUIET_KEY, ClusterApps.QUIET_SECRET);
        quiet.setHost("127.0.0.1:" + one.port());
        // The limit counts per wall-clock second: each burst starts at the beginning of one.
        startOfASecond();
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            if (quiet.get("/channels").getHttpStatus() == 429) {
                limited++;
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(3);
        startOfASecond();
        int eventsLimited = 0;
        for (int i = 0; i < 6; i++) {
            if (quiet.trigger("c", "e", Map.of()).getHttpStatus() == 429) {
                eventsLimited++;
            }
        }
        assertThat(eventsLimited).isGreaterThanOrEqualTo(3);
        // Another app is not limited by it.
        assertThat(api.get("/channels").getHttpStatus()).isEqualTo(200);
    }

    /** Waits for the next wall-clock second, so a short burst falls within one. */
    private static void startOfASecond() throws InterruptedException {
        Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 10);
    }

    /** pusher:signin with user_data signed as a web app's user-auth endpoint signs it. */
    private static void signIn(TestSocket s, String userId) throws Exception {
        String userData = "{\"id\":\"" + userId + "\",\"user_info\":{}}";
        String auth =
                SinkFixture.KEY
                        + ":"
                        + SinkFixture.hmacSha256Hex(
                                SinkFixture.SECRET, s.socketId() + "::user::" + userData);
        s.send(
                "{\"event\":\"pusher:signin\",\"data\":{\"auth\":\""
                        + auth
                        + "\",\"user_data\":"
                        + TestSocket.quote(userData)
                        + "}}");
        JsonNode ok = s.nextEvent("pusher:signin_success");
        assertThat(ok.path("data").path("user_data").asText()).isEqualTo(userData);
    }

    @Test
    void browsersMayCallTheHttpApiAcrossOrigins() throws Exception {
        var preflight =
                java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                SinkFixture.httpUri(
                                                        one,
                                                        "/apps/" + SinkFixture.APP_ID + "/events"))
                                        .method(
                                                "OPTIONS",
                                                java.net.http.HttpRequest.BodyPublishers.noBody())
                                        .header("Origin", "https://hmi.plant.example")
                                        .header("Access-Control-Request-Method", "POST")
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://hmi.plant.example");
    }
}
