package io.sluice.websocket.connection;

import io.sluice.websocket.WebSocketSinkSettings;
import io.sluice.websocket.broker.MemoryBroker;
import io.sluice.websocket.channel.Hub;
import io.sluice.websocket.channel.OutboundFrame;
import io.sluice.websocket.metrics.SinkMetrics;

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

    private static final String APP = "scada-app";
    private final SinkMetrics metrics = new SinkMetrics();
    private final Hub hub = new Hub();
    private final List<Runnable> heldCatchUps = new ArrayList<>();
    // empty: a catch-up, once let go, has nothing to send
    private final MemoryBroker broker = new MemoryBroker(100);
    private final RecordingTransport transport = new RecordingTransport();

    private WebSocketSinkSettings settings;

    private PusherConnection open() {
        settings =
                TestContexts.settings(
                        Map.of("websocket.queue.max.messages", Integer.toString(QUEUE_MAX)));
        ConnectionContext ctx =
                TestContexts.create(settings, broker, hub, heldCatchUps::add, metrics);
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
            hub.publish(APP, "scada-data", update(i), null);
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
            hub.publish(APP, "scada-data", update(i), null);
        }
        assertThat(transport.sent).noneMatch(m -> m.startsWith("update"));
        heldCatchUps.forEach(Runnable::run); // nothing to catch up: the waiting updates go

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
                    APP,
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

        connection.checkActivity(
                System.nanoTime() + settings.closeGrace().toNanos() - 1_000_000_000);
        assertThat(transport.aborted).isFalse();
        connection.checkActivity(System.nanoTime() + settings.closeGrace().toNanos() + 1_000_000);
        assertThat(transport.aborted).isTrue();
    }
}
