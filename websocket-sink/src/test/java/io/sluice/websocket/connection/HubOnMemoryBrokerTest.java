package io.sluice.websocket.connection;

import io.sluice.update.UpdateKeys;
import io.sluice.websocket.WebSocketSinkSettings;
import io.sluice.websocket.broker.EventEntry;
import io.sluice.websocket.broker.MemoryBroker;
import io.sluice.websocket.broker.StreamPosition;
import io.sluice.websocket.channel.Hub;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.testing.SinkFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub, the broadcaster and the catch-up on the in-memory broker, without Redis: connections
 * with a recording transport subscribe, get the snapshot first, then the live updates, and resume
 * after a stream position (also past a trim).
 */
class HubOnMemoryBrokerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "sluice:updates:1s";
    private static final String GROUP = "plant1.area03";
    private static final long T0 = 1_795_735_268_000L;

    private final MemoryBroker broker = new MemoryBroker(4, () -> T0);
    private final Hub hub = new Hub();
    private final SinkMetrics metrics = new SinkMetrics();
    private final WebSocketSinkSettings settings = TestContexts.settings(Map.of());
    // the catch-up runs at once, on the subscribing thread
    private final ConnectionContext ctx =
            TestContexts.create(settings, broker, hub, Runnable::run, metrics);

    @BeforeEach
    void startBroker() throws Exception {
        broker.start();
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.stop();
    }

    private PusherConnection connection(RecordingTransport t) {
        PusherConnection c = new PusherConnection(ctx, settings.appKey(), "7");
        c.open(t);
        return c;
    }

    private StreamPosition publishUpdate(long windowStart, double value) {
        String message = SinkFixture.message(windowStart, "pump007.pressure", value);
        return broker.publish(
                STREAM, Map.of(UpdateKeys.FIELD_GROUP, GROUP, UpdateKeys.FIELD_DATA, message));
    }

    private static void subscribe(PusherConnection c, String channel, StreamPosition lastId) {
        String resume = lastId == null ? "" : ",\"last_id\":\"" + lastId + "\"";
        c.received(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                        + channel
                        + "\""
                        + resume
                        + "}}");
    }

    /** The data of every scada.data.received event the transport got, in order. */
    private static List<JsonNode> updates(RecordingTransport t) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        synchronized (t) {
            for (String frame : t.sent) {
                JsonNode event = JSON.readTree(frame);
                if (event.path("event").asText().equals("scada.data.received")) {
                    out.add(JSON.readTree(event.path("data").asText()));
                }
            }
        }
        return out;
    }

    @Test
    void aSubscriberGetsTheSnapshotFirstThenTheLiveUpdates() throws Exception {
        broker.putLatest(
                1000, GROUP, "pump007.pressure", "[" + T0 + ",1,4.1,4.1,4.1,0,4.1,4.1,0,0]");
        RecordingTransport t = new RecordingTransport();
        subscribe(connection(t), "scada-data", null);

        StreamPosition live = publishUpdate(T0 + 1000, 4.2);

        List<JsonNode> got = updates(t);
        assertThat(got).hasSize(2);
        assertThat(got.get(0).path("snapshot").asBoolean()).isTrue();
        assertThat(got.get(0).path("g").asText()).isEqualTo(GROUP);
        assertThat(got.get(0).path("s").asLong()).isEqualTo(T0);
        assertThat(got.get(0).path("t").has("pump007.pressure")).isTrue();
        assertThat(got.get(1).has("snapshot")).isFalse();
        assertThat(got.get(1).path("id").asText()).isEqualTo(live.toString());
        assertThat(got.get(1).path("s").asLong()).isEqualTo(T0 + 1000);
    }

    @Test
    void aGroupChannelGetsOnlyItsGroupAndTheAllGroupsChannelGetsEvery() throws Exception {
        RecordingTransport group = new RecordingTransport();
        RecordingTransport other = new RecordingTransport();
        subscribe(connection(group), "scada-data." + GROUP, null);
        subscribe(connection(other), "scada-data.plant2.area01", null);

        publishUpdate(T0, 1.0);

        assertThat(updates(group)).hasSize(1);
        assertThat(updates(other)).isEmpty();
    }

    @Test
    void aResumingSubscriberGetsWhatCameAfterItsPositionThenLiveWithoutSnapshot() throws Exception {
        StreamPosition seen = publishUpdate(T0, 1.0);
        StreamPosition missed1 = publishUpdate(T0 + 1000, 2.0);
        StreamPosition missed2 = publishUpdate(T0 + 2000, 3.0);
        broker.putLatest(1000, GROUP, "pump007.pressure", "[" + T0 + ",1,3,3,3,0,3,3,0,0]");
        RecordingTransport t = new RecordingTransport();
        subscribe(connection(t), "scada-data", seen);

        StreamPosition live = publishUpdate(T0 + 3000, 4.0);

        assertThat(updates(t))
                .extracting(d -> d.path("id").asText())
                .containsExactly(missed1.toString(), missed2.toString(), live.toString());
        assertThat(updates(t)).noneMatch(d -> d.has("snapshot"));
    }

    @Test
    void aPositionTrimmedAwayGetsTheSnapshotThenWhatTheStreamStillHolds() throws Exception {
        StreamPosition seen = publishUpdate(T0, 1.0);
        List<StreamPosition> held = new ArrayList<>();
        for (int i = 1; i <= 4; i++) { // the broker keeps 4: the one seen is trimmed away
            held.add(publishUpdate(T0 + i * 1000, i));
        }
        assertThat(broker.first(STREAM)).isGreaterThan(seen);
        broker.putLatest(
                1000, GROUP, "pump007.pressure", "[" + (T0 + 4000) + ",1,4,4,4,0,4,4,0,0]");
        RecordingTransport t = new RecordingTransport();
        subscribe(connection(t), "scada-data", seen);

        List<JsonNode> got = updates(t);
        assertThat(got.get(0).path("snapshot").asBoolean()).isTrue();
        assertThat(got.subList(1, got.size()))
                .extracting(d -> d.path("id").asText())
                .containsExactlyElementsOf(held.stream().map(StreamPosition::toString).toList());
    }

    @Test
    void anHttpApiEventReachesTheChannelsSubscribersButTheSocketItLeavesOut() throws Exception {
        RecordingTransport a = new RecordingTransport();
        RecordingTransport b = new RecordingTransport();
        PusherConnection ca = connection(a);
        subscribe(ca, "orders", null);
        subscribe(connection(b), "orders", null);

        broker.publish(
                settings.eventsStream(),
                new EventEntry(
                                settings.appId(),
                                List.of("orders"),
                                "placed",
                                "{\"n\":1}",
                                ca.socketId())
                        .toFields());

        assertThat(b.sent).anyMatch(f -> f.contains("\"event\":\"placed\""));
        assertThat(a.sent).noneMatch(f -> f.contains("\"event\":\"placed\""));
    }

    @Test
    void positionsIncreaseWithinAMillisecondAndEntriesPublishedBeforeStartAreNotPushed()
            throws Exception {
        MemoryBroker fresh = new MemoryBroker(10, () -> T0);
        List<StreamPosition> pushed = new ArrayList<>();
        fresh.subscribe(List.of("s"), (stream, entry) -> pushed.add(entry.position()));
        StreamPosition before = fresh.publish("s", Map.of("k", "0"));
        fresh.start();
        StreamPosition p1 = fresh.publish("s", Map.of("k", "1"));
        StreamPosition p2 = fresh.publish("s", Map.of("k", "2"));
        fresh.stop();

        assertThat(before).isEqualTo(new StreamPosition(T0, 0));
        assertThat(p1).isEqualTo(new StreamPosition(T0, 1));
        assertThat(p2).isEqualTo(new StreamPosition(T0, 2));
        assertThat(pushed).containsExactly(p1, p2);
        assertThat(fresh.after("s", p1, 10))
                .extracting(e -> e.fields().get("k"))
                .containsExactly("2");
    }
}
