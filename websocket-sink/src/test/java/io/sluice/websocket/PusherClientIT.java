package io.sluice.websocket;

import io.sluice.update.UpdateKeys;
import io.sluice.update.UpdateSamples;
import io.sluice.websocket.testing.SinkFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pusher.client.Pusher;
import com.pusher.client.PusherOptions;
import com.pusher.client.channel.PresenceChannelEventListener;
import com.pusher.client.channel.PrivateChannelEventListener;
import com.pusher.client.channel.PusherEvent;
import com.pusher.client.channel.User;
import com.pusher.client.connection.ConnectionEventListener;
import com.pusher.client.connection.ConnectionState;
import com.pusher.client.connection.ConnectionStateChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Pusher Java client (com.pusher:pusher-java-client) against the service: public and
 * private channels, the snapshot on subscribe, then the job's messages from conf/samples/updates.
 */
class PusherClientIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EVENT = "scada.data.received";

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;
    private Pusher pusher;

    @BeforeEach
    void start() throws Exception {
        sink = fixture.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (pusher != null) {
            pusher.disconnect();
        }
    }

    private Pusher connect(
            com.pusher.client.ChannelAuthorizer authorizer, ConnectionEventListener listener)
            throws Exception {
        return connect(authorizer, listener, p -> {});
    }

    /**
     * Connects after {@code beforeConnect}: a channel subscribed there is sent once, on connect
     * (subscribed while the client is connecting, pusher-java-client may send it twice).
     */
    private Pusher connect(
            com.pusher.client.ChannelAuthorizer authorizer,
            ConnectionEventListener listener,
            java.util.function.Consumer<Pusher> beforeConnect)
            throws Exception {
        PusherOptions options =
                new PusherOptions().setHost("127.0.0.1").setWsPort(sink.port()).setUseTLS(false);
        if (authorizer != null) {
            options.setChannelAuthorizer(authorizer);
        }
        Pusher p = new Pusher(SinkFixture.KEY, options);
        beforeConnect.accept(p);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        p.connect(
                new ConnectionEventListener() {
                    @Override
                    public void onConnectionStateChange(ConnectionStateChange change) {
                        if (change.getCurrentState() == ConnectionState.CONNECTED) {
                            connected.complete(null);
                        }
                        listener.onConnectionStateChange(change);
                    }

                    @Override
                    public void onError(String message, String code, Exception e) {
                        listener.onError(message, code, e);
                    }
                },
                ConnectionState.ALL);
        connected.get(10, TimeUnit.SECONDS);
        return p;
    }

    private static ConnectionEventListener ignoring() {
        return new ConnectionEventListener() {
            @Override
            public void onConnectionStateChange(ConnectionStateChange change) {}

            @Override
            public void onError(String message, String code, Exception e) {}
        };
    }

    /**
     * A web app's auth endpoint, signing with this secret here, independently of the service's
     * code.
     */
    private static com.pusher.client.ChannelAuthorizer signedWith(String secret) {
        return (channel, socketId) -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                String sig =
                        HexFormat.of()
                                .formatHex(
                                        mac.doFinal(
                                                (socketId + ":" + channel)
                                                        .getBytes(StandardCharsets.UTF_8)));
                return "{\"auth\":\"" + SinkFixture.KEY + ":" + sig + "\"}";
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Records a channel's events and whether its subscription succeeded. */
    private static final class Recording implements PrivateChannelEventListener {
        final BlockingQueue<PusherEvent> events = new LinkedBlockingQueue<>();
        final CompletableFuture<String> subscribed = new CompletableFuture<>();

        @Override
        public void onAuthenticationFailure(String message, Exception e) {
            subscribed.completeExceptionally(e);
        }

        @Override
        public void onSubscriptionSucceeded(String channel) {
            subscribed.complete(channel);
        }

        @Override
        public void onEvent(PusherEvent event) {
            events.add(event);
        }
    }

    private static JsonNode data(PusherEvent e) throws Exception {
        return MAPPER.readTree(e.getData());
    }

    private static JsonNode sample(String file) throws Exception {
        return MAPPER.readTree(UpdateSamples.bytes(file));
    }

    @Test
    void aPublicSubscriberGetsTheSnapshotThenTheJobsMessages() throws Exception {
        fixture.redis()
                .hset(
                        UpdateKeys.latestKey("sluice:latest", 1000, UpdateSamples.GROUP),
                        UpdateSamples.LATEST_NAME,
                        new String(
                                UpdateSamples.bytes(UpdateSamples.LATEST_FILE),
                                StandardCharsets.UTF_8));
        pusher = connect(null, ignoring());
        Recording recording = new Recording();
        pusher.subscribe("scada-data." + UpdateSamples.GROUP, recording, EVENT);
        BlockingQueue<PusherEvent> events = recording.events;
        CompletableFuture<String> subscribed = recording.subscribed;
        assertThat(subscribed.get(10, TimeUnit.SECONDS)).isEqualTo("scada-data.plant1.area03");

        // first the latest value of every tag of the channel
        PusherEvent snapshot = events.poll(10, TimeUnit.SECONDS);
        assertThat(snapshot).isNotNull();
        JsonNode s = data(snapshot);
        JsonNode latest = sample(UpdateSamples.LATEST_FILE);
        assertThat(s.get("snapshot").asBoolean()).isTrue();
        assertThat(s.get("g").asText()).isEqualTo(UpdateSamples.GROUP);
        assertThat(s.get("s").asLong()).isEqualTo(latest.get(0).asLong());
        JsonNode figures = s.get("t").get(UpdateSamples.LATEST_NAME);
        for (int i = 0; i < 9; i++) {
            assertThat(figures.get(i).asDouble()).isEqualTo(latest.get(i + 1).asDouble());
        }

        // then the job's messages as they come, with their stream id
        String message =
                new String(UpdateSamples.bytes(UpdateSamples.MESSAGE_FILE), StandardCharsets.UTF_8);
        StreamEntryID id = fixture.publishUpdate(UpdateSamples.GROUP, message);
        PusherEvent live = events.poll(10, TimeUnit.SECONDS);
        assertThat(live).isNotNull();
        assertThat(live.getChannelName()).isEqualTo("scada-data.plant1.area03");
        assertThat(live.getEventName()).isEqualTo(EVENT);
        JsonNode d = data(live);
        JsonNode expected = sample(UpdateSamples.MESSAGE_FILE);
        assertThat(d.get("id").asText()).isEqualTo(id.toString());
        assertThat(d.get("w")).isEqualTo(expected.get("w"));
        assertThat(d.get("s")).isEqualTo(expected.get("s"));
        assertThat(d.get("t")).isEqualTo(expected.get("t"));
    }

    @Test
    void aPrivateSubscriberWithAValidSignatureGetsEveryGroupsMessages() throws Exception {
        pusher = connect(signedWith(SinkFixture.SECRET), ignoring());
        Recording recording = new Recording();
        pusher.subscribePrivate("private-scada-data", recording, EVENT);
        BlockingQueue<PusherEvent> events = recording.events;
        CompletableFuture<String> subscribed = recording.subscribed;
        assertThat(subscribed.get(10, TimeUnit.SECONDS)).isEqualTo("private-scada-data");

        fixture.publishUpdate(
                "plant1.area03",
                new String(
                        UpdateSamples.bytes(UpdateSamples.MESSAGE_FILE), StandardCharsets.UTF_8));
        fixture.publishUpdate(
                "plant2.area01",
                new String(
                        UpdateSamples.bytes(UpdateSamples.REVISION_FILE), StandardCharsets.UTF_8));
        JsonNode first = data(events.poll(10, TimeUnit.SECONDS));
        JsonNode second = data(events.poll(10, TimeUnit.SECONDS));
        assertThat(first.get("g").asText()).isEqualTo("plant1.area03");
        assertThat(second.get("g").asText()).isEqualTo("plant2.area01");
        assertThat(second.get("t")).isEqualTo(sample(UpdateSamples.REVISION_FILE).get("t"));
    }

    @Test
    void aPrivateSubscriptionWithAWrongSignatureGetsNoUpdatesAndTheConnectionStays()
            throws Exception {
        // pusher-java-client 2.4 ignores pusher:subscription_error (pusher-js and Echo act on it:
        // the Node tests); the error and its metric are there all the same.
        CompletableFuture<String> connectionError = new CompletableFuture<>();
        Recording recording = new Recording();
        pusher =
                connect(
                        signedWith("not-the-secret"),
                        new ConnectionEventListener() {
                            @Override
                            public void onConnectionStateChange(ConnectionStateChange change) {}

                            @Override
                            public void onError(String message, String code, Exception e) {
                                connectionError.complete(code);
                            }
                        },
                        p -> p.subscribePrivate("private-scada-data", recording, EVENT));
        BlockingQueue<PusherEvent> events = recording.events;
        CompletableFuture<String> subscribed = recording.subscribed;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sink.metrics().count("sluice.websocket.errors", "kind", "unauthorized") == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        fixture.publishUpdate(
                "plant1.area03",
                new String(
                        UpdateSamples.bytes(UpdateSamples.MESSAGE_FILE), StandardCharsets.UTF_8));
        assertThat(events.poll(500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(subscribed).isNotDone();
        assertThat(pusher.getConnection().getState()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(connectionError).isNotDone();
        assertThat(sink.metrics().count("sluice.websocket.errors", "kind", "unauthorized"))
                .isEqualTo(1);
    }

    /** An auth endpoint for presence channels: channel_data of the user, signed with it. */
    private static com.pusher.client.ChannelAuthorizer presenceAs(String userId) {
        return (channel, socketId) -> {
            String channelData =
                    "{\"user_id\":\"" + userId + "\",\"user_info\":{\"name\":\"" + userId + "\"}}";
            String sig =
                    SinkFixture.hmacSha256Hex(
                            SinkFixture.SECRET, socketId + ":" + channel + ":" + channelData);
            try {
                return MAPPER.writeValueAsString(
                        java.util.Map.of(
                                "auth", SinkFixture.KEY + ":" + sig, "channel_data", channelData));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Records a presence channel's members as pusher-java-client reports them. */
    private static final class Members implements PresenceChannelEventListener {
        final CompletableFuture<java.util.Set<String>> here = new CompletableFuture<>();
        final BlockingQueue<String> joined = new LinkedBlockingQueue<>();
        final BlockingQueue<String> left = new LinkedBlockingQueue<>();

        @Override
        public void onUsersInformationReceived(String channel, java.util.Set<User> users) {
            java.util.Set<String> ids = new java.util.TreeSet<>();
            users.forEach(u -> ids.add(u.getId()));
            here.complete(ids);
        }

        @Override
        public void userSubscribed(String channel, User user) {
            joined.add(user.getId());
        }

        @Override
        public void userUnsubscribed(String channel, User user) {
            left.add(user.getId());
        }

        @Override
        public void onAuthenticationFailure(String message, Exception e) {
            here.completeExceptionally(e);
        }

        @Override
        public void onSubscriptionSucceeded(String channel) {}

        @Override
        public void onEvent(PusherEvent event) {}
    }

    @Test
    void presenceMembersAsPusherJavaClientSeesThem() throws Exception {
        WebSocketSink other = fixture.start();
        pusher = connect(presenceAs("alice"), ignoring());
        Members alice = new Members();
        pusher.subscribePresence("presence-room", alice);
        assertThat(alice.here.get(10, TimeUnit.SECONDS)).containsExactly("alice");

        PusherOptions options =
                new PusherOptions()
                        .setHost("127.0.0.1")
                        .setWsPort(other.port())
                        .setUseTLS(false)
                        .setChannelAuthorizer(presenceAs("bob"));
        Pusher bobClient = new Pusher(SinkFixture.KEY, options);
        try {
            bobClient.connect();
            Members bob = new Members();
            bobClient.subscribePresence("presence-room", bob);
            assertThat(bob.here.get(10, TimeUnit.SECONDS)).containsExactly("alice", "bob");
            assertThat(alice.joined.poll(10, TimeUnit.SECONDS)).isEqualTo("bob");
        } finally {
            bobClient.disconnect();
        }
        assertThat(alice.left.poll(10, TimeUnit.SECONDS)).isEqualTo("bob");
    }
}
