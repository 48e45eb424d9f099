package io.sluice.websocket.connection;

import io.sluice.websocket.channel.OutboundFrame;

import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded conflating queue, against a fake transport whose writes the test completes. */
class OutboundQueueTest {

    /** Records each send; the test completes the writes, in order, when it likes. */
    private static final class FakeTransport implements Transport {
        boolean aborted;
        final List<String> sent = new ArrayList<>();
        final List<Callback> pending = new ArrayList<>();
        int closes;

        @Override
        public synchronized void send(byte[] frame, Callback callback) {
            sent.add(new String(frame, StandardCharsets.UTF_8));
            pending.add(callback);
        }

        @Override
        public void close(int code, String reason) {
            closes++;
        }

        @Override
        public synchronized void abort() {
            aborted = true;
        }

        /** Writes still in flight. */
        synchronized int inFlight() {
            return pending.size();
        }

        /** Completes the oldest write in flight. */
        void completeOne() {
            Callback c;
            synchronized (this) {
                c = pending.remove(0);
            }
            c.succeeded();
        }

        /** Completes writes until none is left in flight. */
        void completeAll() {
            while (inFlight() > 0) {
                completeOne();
            }
        }

        void failOne(Throwable cause) {
            Callback c;
            synchronized (this) {
                c = pending.remove(0);
            }
            c.failed(cause);
        }
    }

    private static final class Counts implements OutboundQueue.Listener {
        int sent;
        int conflated;
        int overflowed;
        final List<Throwable> failures = new ArrayList<>();

        @Override
        public void sent() {
            sent++;
        }

        @Override
        public void conflated() {
            conflated++;
        }

        @Override
        public void overflowed() {
            overflowed++;
        }

        @Override
        public void failed(Throwable cause) {
            failures.add(cause);
        }
    }

    private final FakeTransport transport = new FakeTransport();
    private final Counts counts = new Counts();

    private static OutboundFrame plain(String text) {
        return OutboundFrame.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static OutboundFrame keyed(String text, String key, long windowStart) {
        return new OutboundFrame(text.getBytes(StandardCharsets.UTF_8), key, windowStart, null);
    }

    /**
     * A queue whose transport already has IN_FLIGHT writes outstanding, so what comes next waits.
     */
    private OutboundQueue busyQueue(int capacity) {
        OutboundQueue queue = new OutboundQueue(transport, capacity, counts);
        for (int i = 0; i < OutboundQueue.IN_FLIGHT; i++) {
            assertThat(queue.offer(plain("busy" + i))).isTrue();
        }
        assertThat(transport.inFlight()).isEqualTo(OutboundQueue.IN_FLIGHT);
        return queue;
    }

    private List<String> writtenAfterBusy() {
        return transport.sent.subList(OutboundQueue.IN_FLIGHT, transport.sent.size());
    }

    @Test
    void framesAreWrittenInOrderWithAtMostFourInFlight() {
        OutboundQueue queue = new OutboundQueue(transport, 100, counts);

        for (int i = 0; i < 10; i++) {
            assertThat(queue.offer(plain("f" + i))).isTrue();
        }
        assertThat(OutboundQueue.IN_FLIGHT).isEqualTo(4);
        assertThat(transport.sent).containsExactly("f0", "f1", "f2", "f3");
        assertThat(queue.size()).isEqualTo(6);

        while (transport.inFlight() > 0) {
            transport.completeOne();
            assertThat(transport.inFlight()).isLessThanOrEqualTo(4);
        }

        assertThat(transport.sent)
                .containsExactly("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9");
        assertThat(counts.sent).isEqualTo(10);
        assertThat(queue.size()).isZero();
    }

    @Test
    void aWriteThatCompletesAtOnceDoesNotReorderOrStallTheQueue() {
        Transport immediate =
                new Transport() {
                    @Override
                    public void send(byte[] frame, Callback callback) {
                        transport.sent.add(new String(frame, StandardCharsets.UTF_8));
                        callback.succeeded();
                    }

                    @Override
                    public void close(int code, String reason) {}

                    @Override
                    public void abort() {}
                };
        OutboundQueue queue = new OutboundQueue(immediate, 2, counts);

        for (int i = 0; i < 10; i++) {
            assertThat(queue.offer(plain("f" + i))).isTrue();
        }

        assertThat(transport.sent)
                .containsExactly("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9");
        assertThat(counts.sent).isEqualTo(10);
        assertThat(counts.overflowed).isZero();
    }

    @Test
    void fullQueueReplacesTheWaitingFrameWithTheSameKey() {
        OutboundQueue queue = busyQueue(2);
        queue.offer(keyed("a@1", "ch|a,", 1000));
        queue.offer(keyed("b@1", "ch|b,", 1000));

        assertThat(queue.offer(keyed("a@2", "ch|a,", 2000))).isTrue();
        assertThat(queue.offer(keyed("a@3", "ch|a,", 3000))).isTrue();

        assertThat(counts.conflated).isEqualTo(2);
        assertThat(counts.overflowed).isZero();
        assertThat(queue.size()).isEqualTo(2);
        transport.completeAll();
        assertThat(writtenAfterBusy()).containsExactlyInAnyOrder("b@1", "a@3");
    }

    @Test
    void aFrameOfTheSameWindowReplacesTheWaitingOne() {
        OutboundQueue queue = busyQueue(1);
        queue.offer(keyed("a@1 first", "ch|a,", 1000));

        assertThat(queue.offer(keyed("a@1 revised", "ch|a,", 1000))).isTrue();

        assertThat(counts.conflated).isEqualTo(1);
        transport.completeAll();
        assertThat(writtenAfterBusy()).containsExactly("a@1 revised");
    }

    @Test
    void anOlderWindowNeverReplacesANewerOne() {
        OutboundQueue queue = busyQueue(1);
        queue.offer(keyed("a@2", "ch|a,", 2000));

        assertThat(queue.offer(keyed("a@1", "ch|a,", 1000))).isFalse();

        assertThat(counts.conflated).isZero();
        assertThat(counts.overflowed).isEqualTo(1);
        transport.completeAll();
        assertThat(transport.sent).doesNotContain("a@1");
    }

    @Test
    void framesWithOtherKeysAreNeverReplaced() {
        OutboundQueue queue = busyQueue(2);
        queue.offer(keyed("a@1", "ch|a,", 1000));
        queue.offer(keyed("a@1 other channel", "other|a,", 1000));

        assertThat(queue.offer(keyed("b@2", "ch|b,", 2000))).isFalse();

        assertThat(counts.conflated).isZero();
        assertThat(counts.overflowed).isEqualTo(1);
    }

    @Test
    void aFrameWithoutKeyIsNeverReplaced() {
        OutboundQueue queue = busyQueue(1);
        queue.offer(plain("{\"event\":\"pusher:pong\"}"));

        assertThat(queue.offer(plain("{\"event\":\"pusher:pong\"}"))).isFalse();

        assertThat(counts.conflated).isZero();
        assertThat(counts.overflowed).isEqualTo(1);
    }

    @Test
    void aKeyedFrameDoesNotReplaceAFrameWithoutKey() {
        OutboundQueue queue = busyQueue(1);
        queue.offer(plain("event"));

        assertThat(queue.offer(keyed("a@1", "ch|a,", 1000))).isFalse();

        assertThat(counts.conflated).isZero();
        assertThat(counts.overflowed).isEqualTo(1);
    }

    @Test
    void aFrameWithoutKeyDoesNotReplaceAKeyedOne() {
        OutboundQueue queue = busyQueue(1);
        queue.offer(keyed("a@1", "ch|a,", 1000));

        assertThat(queue.offer(plain("event"))).isFalse();

        assertThat(counts.conflated).isZero();
        assertThat(counts.overflowed).isEqualTo(1);
    }

    @Test
    void overflowIsReportedOnceAndNothingIsTakenOrWrittenAfterwards() {
        OutboundQueue queue = busyQueue(2);
        queue.offer(plain("w1"));
        queue.offer(plain("w2"));

        assertThat(queue.offer(plain("over"))).isFalse();
        assertThat(queue.offer(plain("later"))).isFalse();
        assertThat(queue.offer(keyed("a@1", "ch|a,", 1000))).isFalse();

        assertThat(counts.overflowed).isEqualTo(1);
        assertThat(queue.size()).isZero();
        transport.completeAll();
        assertThat(transport.sent).containsExactly("busy0", "busy1", "busy2", "busy3");
        assertThat(counts.sent).isEqualTo(OutboundQueue.IN_FLIGHT);
    }

    @Test
    void aFailedWriteReportsTheFailureAndStopsTheQueue() {
        OutboundQueue queue = busyQueue(4);
        queue.offer(plain("waiting"));
        IllegalStateException cause = new IllegalStateException("broken pipe");

        transport.failOne(cause);

        assertThat(counts.failures).containsExactly(cause);
        assertThat(queue.offer(plain("after"))).isFalse();
        transport.completeAll();
        assertThat(transport.sent).doesNotContain("waiting", "after");
        assertThat(counts.overflowed).isZero();
    }

    @Test
    void closedQueueTakesNothing() {
        OutboundQueue queue = busyQueue(4);
        queue.offer(plain("waiting"));

        queue.close();

        assertThat(queue.offer(plain("after"))).isFalse();
        transport.completeAll();
        assertThat(transport.sent).doesNotContain("waiting", "after");
        assertThat(counts.overflowed).isZero();
    }
}
