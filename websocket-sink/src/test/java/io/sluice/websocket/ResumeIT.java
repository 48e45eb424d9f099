package io.sluice.websocket;

import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that reconnects with the last stream id it saw ({@code last_id} in pusher:subscribe's
 * data) gets what it missed, then the live updates: nothing lost, nothing twice.
 */
class ResumeIT {
    private static final String GROUP = "plant1.area03";
    private static final String CHANNEL = "scada-data." + GROUP;

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;

    @BeforeEach
    void start() throws Exception {
        sink = fixture.start();
    }

    private StreamEntryID publish(int i) {
        return fixture.publishUpdate(
                GROUP, SinkFixture.message(1_000_000L + i * 1000L, "pump007.pressure", i));
    }

    private static void subscribe(TestSocket socket, String lastId) throws Exception {
        socket.send(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                        + CHANNEL
                        + "\",\"last_id\":\""
                        + lastId
                        + "\"}}");
        socket.nextEvent("pusher_internal:subscription_succeeded");
    }

    /**
     * The stream ids of the updates a socket receives, skipping snapshots, until it has {@code n}.
     */
    private static List<String> ids(TestSocket socket, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        while (ids.size() < n) {
            JsonNode data = socket.nextEvent("scada.data.received").get("data");
            if (!data.path("snapshot").asBoolean()) {
                ids.add(data.get("id").asText());
            }
        }
        return ids;
    }

    @Test
    void aReconnectingClientGetsTheUpdatesItMissedThenTheLiveOnes() throws Exception {
        List<String> published = new ArrayList<>();
        TestSocket first = fixture.connectEstablished(sink);
        first.subscribe(CHANNEL);
        for (int i = 0; i < 5; i++) {
            published.add(publish(i).toString());
        }
        List<String> seen = ids(first, 5);
        first.session().close();
        first.awaitClose();

        for (int i = 5; i < 10; i++) {
            published.add(publish(i).toString()); // missed while away
        }
        TestSocket again = fixture.connectEstablished(sink);
        subscribe(again, seen.get(seen.size() - 1));
        List<String> missed = ids(again, 5);
        for (int i = 10; i < 13; i++) {
            published.add(publish(i).toString());
        }
        List<String> live = ids(again, 3);

        List<String> all = new ArrayList<>(seen);
        all.addAll(missed);
        all.addAll(live);
        assertThat(all).containsExactlyElementsOf(published);
        assertThat(again.poll(java.time.Duration.ofMillis(300))).isNull();
    }

    @Test
    void resumingWhileTheJobKeepsPublishingLosesAndRepeatsNothing() throws Exception {
        List<String> published = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        TestSocket first = fixture.connectEstablished(sink);
        first.subscribe(CHANNEL);
        Thread job =
                new Thread(
                        () -> {
                            int i = 0;
                            while (running.get()) {
                                published.add(publish(i++).toString());
                                try {
                                    Thread.sleep(2);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        });
        job.start();
        List<String> received = new ArrayList<>(ids(first, 50));
        first.session().close();
        first.awaitClose();

        TestSocket again = fixture.connectEstablished(sink);
        subscribe(again, received.get(received.size() - 1));
        received.addAll(
                ids(again, 100)); // the missed ones and live ones, racing with the publisher
        running.set(false);
        job.join();
        int total = published.size();
        received.addAll(ids(again, total - received.size()));

        assertThat(received).containsExactlyElementsOf(published);
    }

    @Test
    void aResumeFromATrimmedPositionGetsTheSnapshotThenWhatTheStreamStillHolds() throws Exception {
        fixture.redis()
                .hset(
                        "sluice:latest:1s:" + GROUP,
                        "pump007.pressure",
                        "[1000000,1,7.0,7.0,7.0,0,7.0,7.0,0,0]");
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            published.add(publish(i).toString());
        }
        fixture.redis().xtrim(SinkFixture.STREAM_1S, 10, false); // the first ten are gone
        TestSocket socket = fixture.connectEstablished(sink);
        subscribe(socket, published.get(2));

        JsonNode snapshot = socket.nextEvent("scada.data.received").get("data");
        assertThat(snapshot.get("snapshot").asBoolean()).isTrue();
        assertThat(ids(socket, 10)).containsExactlyElementsOf(published.subList(10, 20));
    }

    @Test
    void aBadLastIdGetsAProtocolErrorAndTheConnectionStays() throws Exception {
        TestSocket socket = fixture.connectEstablished(sink);
        socket.send(
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                        + CHANNEL
                        + "\",\"last_id\":\"yesterday\"}}");
        JsonNode error = socket.nextEvent("pusher:error");
        assertThat(error.get("data").get("message").asText()).contains("last_id");
        socket.subscribe(CHANNEL);
        publish(1);
        assertThat(socket.nextEvent("scada.data.received").get("data").get("g").asText())
                .isEqualTo(GROUP);
    }
}
