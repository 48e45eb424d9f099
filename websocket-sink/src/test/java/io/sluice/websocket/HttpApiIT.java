package io.sluice.websocket;

import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pusher.rest.Pusher;
import com.pusher.rest.data.Event;
import com.pusher.rest.data.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Pusher HTTP API: the official server SDK publishes through it to raw WebSocket subscribers,
 * and raw requests prove each refusal, with its status and a JSON error body.
 */
class HttpApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENTS = "/apps/" + SinkFixture.APP_ID + "/events";
    private static final String BATCH = "/apps/" + SinkFixture.APP_ID + "/batch_events";

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;
    private Pusher pusher;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        sink = fixture.start();
        pusher = SinkFixture.pusher(sink);
    }

    @AfterEach
    void stop() throws Exception {
        pusher.close();
    }

    private TestSocket subscriber(String channel) throws Exception {
        TestSocket s = fixture.connectEstablished(sink);
        s.subscribe(channel);
        return s;
    }

    private static void assertSucceeded(Result result) {
        assertThat(result.getStatus()).as(result.getMessage()).isEqualTo(Result.Status.SUCCESS);
        assertThat(result.getHttpStatus()).isEqualTo(200);
    }

    /** The next message is this event on this channel; returns its (parsed) data. */
    private static JsonNode assertNextEvent(TestSocket socket, String channel, String event)
            throws Exception {
        JsonNode m = socket.next();
        assertThat(m.path("event").asText()).as("%s", m).isEqualTo(event);
        assertThat(m.path("channel").asText()).as("%s", m).isEqualTo(channel);
        return m.path("data");
    }

    @Test
    void sdkTriggerReachesTheChannelsSubscribersOnly() throws Exception {
        TestSocket orders = subscriber("orders");
        TestSocket other = subscriber("other");

        assertSucceeded(
                pusher.trigger("orders", "order-placed", Map.of("id", 42, "item", "valve")));

        JsonNode data = assertNextEvent(orders, "orders", "order-placed");
        assertThat(data.path("id").asInt()).isEqualTo(42);
        assertThat(data.path("item").asText()).isEqualTo("valve");
        assertThat(other.poll(Duration.ofMillis(300))).isNull();
        assertThat(sink.metrics().count("sluice.websocket.http.events")).isEqualTo(1.0);
    }

    @Test
    void sdkTriggerToSeveralChannelsReachesEach() throws Exception {
        TestSocket a = subscriber("alerts-a");
        TestSocket b = subscriber("alerts-b");

        assertSucceeded(
                pusher.trigger(List.of("alerts-a", "alerts-b"), "alarm", Map.of("level", "high")));

        assertThat(assertNextEvent(a, "alerts-a", "alarm").path("level").asText())
                .isEqualTo("high");
        assertThat(assertNextEvent(b, "alerts-b", "alarm").path("level").asText())
                .isEqualTo("high");
    }

    @Test
    void sdkBatchDeliversEachEventToItsChannel() throws Exception {
        TestSocket a = subscriber("batch-a");
        TestSocket b = subscriber("batch-b");

        assertSucceeded(
                pusher.trigger(
                        List.of(
                                new Event("batch-a", "first", Map.of("n", 1)),
                                new Event("batch-b", "second", Map.of("n", 2)),
                                new Event("batch-a", "third", Map.of("n", 3)))));

        assertThat(assertNextEvent(a, "batch-a", "first").path("n").asInt()).isEqualTo(1);
        assertThat(assertNextEvent(a, "batch-a", "third").path("n").asInt()).isEqualTo(3);
        assertThat(assertNextEvent(b, "batch-b", "second").path("n").asInt()).isEqualTo(2);
        assertThat(b.poll(Duration.ofMillis(300))).isNull();
    }

    @Test
    void sdkTriggerWithSocketIdLeavesThatConnectionOut() throws Exception {
        TestSocket sender = subscriber("room");
        TestSocket receiver = subscriber("room");

        assertSucceeded(pusher.trigger("room", "said", Map.of("n", 1), sender.socketId()));
        assertSucceeded(pusher.trigger("room", "said", Map.of("n", 2)));

        assertThat(assertNextEvent(receiver, "room", "said").path("n").asInt()).isEqualTo(1);
        assertThat(assertNextEvent(receiver, "room", "said").path("n").asInt()).isEqualTo(2);
        // the sender's first event is the second one: the first was not sent to it
        assertThat(assertNextEvent(sender, "room", "said").path("n").asInt()).isEqualTo(2);
    }

    // ---- raw requests, signed here with javax.crypto and java.security alone ----

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String md5(String body) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("MD5")
                                .digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The query of a request signed as the protocol says, for the given timestamp and body_md5. */
    private static String signedQuery(String method, String path, String bodyMd5, long timestamp) {
        String query =
                "auth_key="
                        + SinkFixture.KEY
                        + "&auth_timestamp="
                        + timestamp
                        + "&auth_version=1.0&body_md5="
                        + bodyMd5;
        return query
                + "&auth_signature="
                + SinkFixture.hmacSha256Hex(
                        SinkFixture.SECRET, method + "\n" + path + "\n" + query);
    }

    private HttpResponse<String> post(String path, String query, String body) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(SinkFixture.httpUri(sink, path + "?" + query))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A correctly signed POST. */
    private HttpResponse<String> signedPost(String path, String body) throws Exception {
        return post(path, signedQuery("POST", path, md5(body), now()), body);
    }

    private static String event(String name, List<String> channels, String data) throws Exception {
        return JSON.writeValueAsString(Map.of("name", name, "channels", channels, "data", data));
    }

    private static String batch(int events) throws Exception {
        List<Map<String, String>> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            batch.add(Map.of("name", "e" + i, "channel", "batch", "data", "{\"n\":" + i + "}"));
        }
        return JSON.writeValueAsString(Map.of("batch", batch));
    }

    /** The answer has this status and a JSON body {"error":"..."}. */
    private static void assertJsonError(HttpResponse<String> response, int status)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.isObject()).isTrue();
        assertThat(body.path("error").isTextual()).as(response.body()).isTrue();
        assertThat(body.path("error").asText()).isNotBlank();
    }

    private static void assertOk(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{}");
    }

    @Test
    void correctlySignedRawRequestIsAcceptedAndDelivered() throws Exception {
        TestSocket s = subscriber("raw");

        assertOk(signedPost(EVENTS, event("raw-event", List.of("raw"), "{\"ok\":true}")));

        assertThat(assertNextEvent(s, "raw", "raw-event").path("ok").asBoolean()).isTrue();
    }

    @Test
    void badSignatureIs401() throws Exception {
        String body = event("e", List.of("raw"), "{}");
        String query = signedQuery("POST", EVENTS, md5(body), now());
        String last = query.substring(query.length() - 1);
        String tampered = query.substring(0, query.length() - 1) + (last.equals("0") ? "1" : "0");

        assertJsonError(post(EVENTS, tampered, body), 401);
        assertThat(sink.metrics().count("sluice.websocket.errors", "kind", "http-auth"))
                .isEqualTo(1.0);
    }

    @Test
    void signatureOfAnotherPathIs401() throws Exception {
        String body = event("e", List.of("raw"), "{}");

        assertJsonError(post(EVENTS, signedQuery("POST", BATCH, md5(body), now()), body), 401);
    }

    @Test
    void timestampOlderThan600SecondsIs401WhileOneWithinIsAccepted() throws Exception {
        String body = event("e", List.of("raw"), "{}");

        assertJsonError(
                post(EVENTS, signedQuery("POST", EVENTS, md5(body), now() - 601), body), 401);
        assertJsonError(
                post(EVENTS, signedQuery("POST", EVENTS, md5(body), now() + 700), body), 401);
        assertOk(post(EVENTS, signedQuery("POST", EVENTS, md5(body), now() - 590), body));
    }

    @Test
    void wrongBodyMd5Is401() throws Exception {
        String body = event("e", List.of("raw"), "{}");
        String otherMd5 = md5(body + " ");

        assertJsonError(post(EVENTS, signedQuery("POST", EVENTS, otherMd5, now()), body), 401);
    }

    @Test
    void unknownAppIdIs404() throws Exception {
        String path = "/apps/other-app/events";
        String body = event("e", List.of("raw"), "{}");

        assertJsonError(post(path, signedQuery("POST", path, md5(body), now()), body), 404);
    }

    @Test
    void getIs405() throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(
                                SinkFixture.httpUri(
                                        sink,
                                        EVENTS + "?" + signedQuery("GET", EVENTS, md5(""), now())))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();

        assertJsonError(http.send(request, HttpResponse.BodyHandlers.ofString()), 405);
    }

    @Test
    void dataOver10KilobytesIs413While10KilobytesAreAccepted() throws Exception {
        String data = "{\"pad\":\"" + "x".repeat(10240 - 10) + "\"}";
        assertThat(data.getBytes(StandardCharsets.UTF_8)).hasSize(10240);

        assertOk(signedPost(EVENTS, event("e", List.of("raw"), data)));
        assertJsonError(
                signedPost(
                        EVENTS,
                        event("e", List.of("raw"), data.replace("{\"pad\":\"", "{\"pad\":\"x"))),
                413);
    }

    @Test
    void moreThan100ChannelsIs400While100AreAccepted() throws Exception {
        List<String> hundred =
                IntStream.range(0, 100).mapToObj(i -> "ch-" + i).collect(Collectors.toList());
        List<String> hundredAndOne = new ArrayList<>(hundred);
        hundredAndOne.add("ch-100");

        assertOk(signedPost(EVENTS, event("e", hundred, "{}")));
        assertJsonError(signedPost(EVENTS, event("e", hundredAndOne, "{}")), 400);
        assertJsonError(signedPost(EVENTS, event("e", List.of(), "{}")), 400);
    }

    @Test
    void batchOfMoreThan10EventsIs400While10AreAccepted() throws Exception {
        TestSocket s = subscriber("batch");

        assertJsonError(signedPost(BATCH, batch(11)), 400);
        assertOk(signedPost(BATCH, batch(10)));

        // the refused batch sent nothing: the subscriber's first event is the accepted batch's
        // first
        for (int i = 0; i < 10; i++) {
            assertThat(assertNextEvent(s, "batch", "e" + i).path("n").asInt()).isEqualTo(i);
        }
    }

    @Test
    void invalidChannelNameIs400() throws Exception {
        assertJsonError(signedPost(EVENTS, event("e", List.of("good", "not good!"), "{}")), 400);
        assertJsonError(signedPost(EVENTS, event("e", List.of("c".repeat(165)), "{}")), 400);
    }

    @Test
    void bodyThatIsNotJsonIs400() throws Exception {
        assertJsonError(signedPost(EVENTS, "name=e&channel=raw"), 400);
        assertJsonError(signedPost(EVENTS, "[1,2,3]"), 400);
        assertThat(sink.metrics().count("sluice.websocket.errors", "kind", "http-bad-request"))
                .isEqualTo(2.0);
    }
}
