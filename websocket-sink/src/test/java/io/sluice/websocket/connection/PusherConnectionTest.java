package io.sluice.websocket.connection;

import io.sluice.config.SluiceConfig;
import io.sluice.update.UpdateCodec;
import io.sluice.websocket.WebSocketSinkSettings;
import io.sluice.websocket.channel.Broadcaster;
import io.sluice.websocket.channel.CatchUp;
import io.sluice.websocket.channel.ChannelNames;
import io.sluice.websocket.channel.Hub;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.protocol.PusherCodec;
import io.sluice.websocket.protocol.Signatures;
import io.sluice.websocket.stream.RedisStore;

import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One connection with a fake transport and a catch-up that the test holds back, so a subscription
 * stays in its catch-up while updates come.
 */
class PusherConnectionTest {
    private static final int QUEUE_MAX = 4;

    /** Completes every write at once; records closes. */
    private static final class FakeTransport implements Transport {
        boolean aborted;
        final List<String> sent = new ArrayList<>();
        final List<Integer> closes = new ArrayList<>();

        @Override
        public synchronized void send(byte[] frame, Callback callback) {
            sent.add(new String(frame, StandardCharsets.UTF_8));
            callback.succeeded();
        }

        @Override
        public synchronized void close(int code, String reason) {
            closes.add(code);
        }

        @Override
        public synchronized void abort() {
            aborted = true;
        }
    }

    private final SinkMetrics metrics = new SinkMetrics();
    private final Hub hub = new Hub();
    private final List<Runnable> heldCatchUps = new ArrayList<>();
    // never contacted: the catch-ups it would serve are held back
    private final RedisStore store =
            new RedisStore(java.net.URI.create("redis://127.0.0.1:1"), "sluice:latest", 100);
    private final FakeTransport transport = new FakeTransport();

    @AfterEach
    void closeStore() {
        store.close();
    }

    private PusherConnection open() {
        WebSocketSinkSettings settings =
                WebSocketSinkSettings.fromConfig(
                        SluiceConfig.load(
                                Map.of(),
                                Map.of(
                                        "redis.url",
                                        "redis://127.0.0.1:1",
                                        "websocket.queue.max.messages",
                                        Integer.toString(QUEUE_MAX))));
        PusherCodec codec = new PusherCodec();
        ChannelNames names = new ChannelNames(settings.channel(), settings.windowsMs());
        Broadcaster broadcaster =
                new Broadcaster(
                        hub, names, codec, UpdateCodec.withDefaults(), settings.event(), metrics);
        ConnectionContext ctx =
                new ConnectionContext(
                        settings,
                        codec,
                        names,
                        hub,
                        new Signatures(settings.appSecret()),
                        new CatchUp(store, broadcaster, settings.streamPrefix(), 100),
                        heldCatchUps::add,
                        new ConnectionRegistry(settings.maxConnections()),
                        metrics);
        PusherConnection connection = new PusherConnection(ctx, settings.appKey(), "7");
        connection.open(transport);
        return connection;
    }

    private static OutboundFrame update(int i) {
        return new OutboundFrame(
                ("update " + i).getBytes(StandardCharsets.UTF_8),
                "scada-data|tag" + i + ",",
                i,
                null);
    }

    @Test
    void updatesOverflowingACatchUpCloseOnceWith4100AndCountOneSlowConsumer() {
        PusherConnection connection = open();
        connection.received(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"scada-data\"}}");
        assertThat(heldCatchUps).hasSize(1);

        for (int i = 0; i < QUEUE_MAX * 3; i++) {
            hub.publish("scada-data", update(i), null);
        }

        assertThat(transport.closes).containsExactly(4100);
        assertThat(metrics.count("sluice.websocket.errors", "kind", "slow-consumer"))
                .isEqualTo(1.0);
    }

    @Test
    void updatesWithinTheLimitWaitForTheCatchUpAndFollowIt() {
        PusherConnection connection = open();
        connection.received(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"scada-data\"}}");

        for (int i = 0; i < QUEUE_MAX; i++) {
            hub.publish("scada-data", update(i), null);
        }
        assertThat(transport.sent).noneMatch(m -> m.startsWith("update"));
        heldCatchUps.forEach(
                Runnable::run); // Redis is unreachable: no catch-up, the waiting updates go

        assertThat(transport.sent.stream().filter(m -> m.startsWith("update")))
                .containsExactly("update 0", "update 1", "update 2", "update 3");
        assertThat(transport.closes).isEmpty();
        assertThat(metrics.count("sluice.websocket.errors", "kind", "slow-consumer")).isZero();
    }

    @Test
    void newerUpdatesOfTheSameTagsDuringACatchUpReplaceOlderOnesInsteadOfClosing() {
        PusherConnection connection = open();
        connection.received(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"scada-data\"}}");

        int n = QUEUE_MAX * 3;
        for (int i = 0; i < n; i++) {
            hub.publish(
                    "scada-data",
                    new OutboundFrame(
                            ("update " + i).getBytes(StandardCharsets.UTF_8),
                            "scada-data|pump007.pressure,",
                            i,
                            null),
                    null);
        }
        heldCatchUps.forEach(Runnable::run);

        assertThat(transport.closes).isEmpty();
        assertThat(metrics.count("sluice.websocket.conflations")).isEqualTo(n - QUEUE_MAX);
        assertThat(transport.sent.stream().filter(m -> m.startsWith("update")))
                .hasSize(QUEUE_MAX)
                .endsWith("update " + (n - 1));
    }

    @Test
    void aClosedClientThatDoesNotAnswerTheCloseIsDroppedAfterTheGrace() {
        PusherConnection connection = open();
        connection.closeWith(4100, "Over capacity");
        assertThat(transport.closes).containsExactly(4100);

        connection.checkActivity(System.nanoTime());
        assertThat(transport.aborted).isFalse();
        connection.checkActivity(
                System.nanoTime() + PusherConnection.CLOSE_GRACE_NANOS + 1_000_000);
        assertThat(transport.aborted).isTrue();
    }
}
