package io.sluice.websocket;

import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.StallingSocket;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading costs a bounded queue, has its updates conflated, and is finally
 * closed with 4100; a normal client on the same channel gets every entry, in order, meanwhile.
 */
class SlowConsumerIT {
    private static final String GROUP = "plant1.area03";
    private static final String CHANNEL = "scada-data." + GROUP;
    private static final int QUEUE_MAX = 16;

    /** Short, so the drop after a close nobody reads is seen quickly (the default is 30 s). */
    private static final int CLOSE_GRACE_MS = 2000;

    /** About 8 KB per update, so a few thousand fill the TCP buffers between server and client. */
    private static final int PAD = 8000;

    private static final int MAX_ENTRIES_TO_CONFLATE = 20_000;

    /** Entries published after conflation started: what an unbounded queue would keep. */
    private static final int ENTRIES_WHILE_CONFLATING = 2000;

    private static final int CHUNK = 100;
    private static final long HEAP_GROWTH_LIMIT = 8L << 20; // well under 2000 x 8 KB

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;
    private long windowStart = 1795735268000L;

    @BeforeEach
    void start() throws Exception {
        sink =
                fixture.start(
                        Map.of(
                                "websocket.queue.max.messages", Integer.toString(QUEUE_MAX),
                                "websocket.close.grace.ms", Integer.toString(CLOSE_GRACE_MS)));
    }

    private StreamEntryID publish(String tag) {
        windowStart += 1000;
        return fixture.publishUpdate(GROUP, SinkFixture.paddedMessage(windowStart, tag, 4.9, PAD));
    }

    private double conflations() {
        return sink.metrics().count("sluice.websocket.conflations");
    }

    /**
     * Publishes updates of the same tags in a chunk the normal client can take, and checks that it
     * got them all, in order (a burst far beyond its queue would have it conflated too).
     */
    private List<StreamEntryID> publishReadBy(TestSocket normal, int n) throws Exception {
        List<StreamEntryID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(publish("pump007.pressure"));
        }
        assertReceivesInOrder(normal, ids);
        return ids;
    }

    /** The normal client's next updates are exactly these entries, in this order. */
    private static void assertReceivesInOrder(TestSocket socket, List<StreamEntryID> ids)
            throws Exception {
        for (StreamEntryID id : ids) {
            JsonNode update = socket.nextEvent("scada.data.received");
            assertThat(update.path("data").path("id").asText()).isEqualTo(id.toString());
        }
    }

    private static long heapUsedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A subscriber of the channel that will stop reading right after its first update. */
    private StallingSocket stallingSubscriber() throws Exception {
        StallingSocket slow = fixture.connectStalling(sink);
        slow.stopAfter(m -> m.contains("\"scada.data.received\""));
        slow.nextEvent("pusher:connection_established");
        slow.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + CHANNEL + "\"}}");
        slow.nextEvent("pusher_internal:subscription_succeeded");
        return slow;
    }

    @Test
    void stalledClientIsConflatedThenClosedWith4100WhileANormalClientGetsEveryEntryInOrder()
            throws Exception {
        TestSocket normal = fixture.connectEstablished(sink);
        normal.subscribe(CHANNEL);
        StallingSocket slow = stallingSubscriber();

        // both are live once both have the first update; the slow one reads nothing after it
        StreamEntryID first = publish("pump007.pressure");
        assertReceivesInOrder(normal, List.of(first));
        assertThat(slow.nextEvent("scada.data.received").path("data").path("id").asText())
                .isEqualTo(first.toString());
        assertThat(slow.isStalled()).isTrue();

        // the same tags over and over: once the TCP buffers are full, the slow client's queue
        // conflates
        long heapBefore = heapUsedAfterGc();
        List<StreamEntryID> sameTags = new ArrayList<>();
        while (conflations() == 0 && sameTags.size() < MAX_ENTRIES_TO_CONFLATE) {
            sameTags.addAll(publishReadBy(normal, CHUNK));
        }
        assertThat(conflations()).as("conflations after %d entries", sameTags.size()).isPositive();
        List<StreamEntryID> whileConflating = new ArrayList<>();
        while (whileConflating.size() < ENTRIES_WHILE_CONFLATING) {
            whileConflating.addAll(publishReadBy(normal, CHUNK));
        }
        await().atMost(TestSocket.WAIT).until(() -> conflations() >= ENTRIES_WHILE_CONFLATING);
        long heapGrowth = heapUsedAfterGc() - heapBefore;
        assertThat(heapGrowth).as("heap growth in bytes").isLessThan(HEAP_GROWTH_LIMIT);
        assertThat(sink.metrics().count("sluice.websocket.errors", "kind", "slow-consumer"))
                .isZero();

        // other tags cannot replace anything: the full queue overflows and the client is closed
        List<StreamEntryID> otherTags = new ArrayList<>();
        for (int i = 0; i < QUEUE_MAX * 2; i++) {
            otherTags.add(publish(String.format("pump%03d.flow", i)));
        }
        assertReceivesInOrder(normal, otherTags);
        await().atMost(TestSocket.WAIT)
                .untilAsserted(
                        () ->
                                assertThat(
                                                sink.metrics()
                                                        .count(
                                                                "sluice.websocket.errors",
                                                                "kind",
                                                                "slow-consumer"))
                                        .isEqualTo(1.0));

        // reading again, it gets what was written before the close, in stream order, then the close
        slow.resume();
        assertThat(slow.awaitClose(Duration.ofSeconds(60))).isEqualTo(4100);
        List<String> slowIds = new ArrayList<>();
        for (String m; (m = slow.pollRaw(Duration.ZERO)) != null; ) {
            JsonNode node = TestSocket.parse(m);
            if (node.path("event").asText().equals("scada.data.received")) {
                slowIds.add(node.path("data").path("id").asText());
            }
        }
        List<StreamEntryID> slowStreamIds = slowIds.stream().map(StreamEntryID::new).toList();
        assertThat(slowStreamIds).isSorted().doesNotHaveDuplicates();
        assertThat(slowStreamIds.size()).isLessThan(sameTags.size() + whileConflating.size());
        await().atMost(TestSocket.WAIT)
                .untilAsserted(
                        () ->
                                assertThat(
                                                sink.metrics()
                                                        .count(
                                                                "sluice.websocket.disconnects",
                                                                "code",
                                                                "4100"))
                                        .isEqualTo(1.0));

        // the normal client is still served
        StreamEntryID after = publish("pump007.pressure");
        assertReceivesInOrder(normal, List.of(after));
        assertThat(normal.isOpen()).isTrue();
        assertThat(sink.connections()).isEqualTo(1);
    }

    @Test
    void aStalledClientClosedWith4100IsDroppedSoItsSlotIsFreeWithoutItsHelp() throws Exception {
        TestSocket normal = fixture.connectEstablished(sink);
        normal.subscribe(CHANNEL);
        StallingSocket slow = stallingSubscriber();
        publish("pump007.pressure");
        slow.nextEvent("scada.data.received");

        // every update of other tags: nothing to conflate, so the queue overflows and 4100 follows
        int n = 0;
        while (sink.metrics().count("sluice.websocket.errors", "kind", "slow-consumer") == 0
                && n < MAX_ENTRIES_TO_CONFLATE) {
            publish(String.format("pump%05d.flow", n++));
            normal.nextEvent("scada.data.received");
        }
        assertThat(sink.metrics().count("sluice.websocket.errors", "kind", "slow-consumer"))
                .isEqualTo(1.0);

        // the client never reads its close frame; the server drops it after the grace all the same
        await().atMost(Duration.ofMillis(CLOSE_GRACE_MS + 8000))
                .until(() -> sink.connections() == 1);
        assertThat(slow.isStalled()).isTrue();
        assertThat(normal.isOpen()).isTrue();
    }
}
