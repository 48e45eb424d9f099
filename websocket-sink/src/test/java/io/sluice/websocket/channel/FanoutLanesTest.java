package io.sluice.websocket.channel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FanoutLanesTest {
    private final FanoutLanes lanes = new FanoutLanes(3);
    private final Hub hub = new Hub(lanes);

    /** Records what it gets, and on which threads. */
    private static final class Recorder implements Subscriber {
        private final String socketId;
        final List<String> frames = java.util.Collections.synchronizedList(new ArrayList<>());
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        Recorder(String socketId) {
            this.socketId = socketId;
        }

        @Override
        public String socketId() {
            return socketId;
        }

        @Override
        public void deliver(OutboundFrame frame) {
            threads.add(Thread.currentThread().getName());
            frames.add(new String(frame.bytes(), StandardCharsets.UTF_8));
        }
    }

    /** n recorders with socket ids prefix0, prefix1, ..., subscribed to the app's channel. */
    private List<Recorder> subscribed(int n, String prefix, String channel) {
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Recorder r = new Recorder(prefix + i);
            recorders.add(r);
            hub.subscribe("app", channel, r);
        }
        return recorders;
    }

    @AfterEach
    void stop() throws Exception {
        lanes.stop();
    }

    @Test
    void eachSubscriberGetsEveryFrameInOrderOnOneThreadWhileTheLanesShareTheWork()
            throws Exception {
        lanes.start();
        List<Recorder> recorders = subscribed(60, "1000.", "ch");
        for (int n = 0; n < 500; n++) {
            hub.publish(
                    "app",
                    "ch",
                    OutboundFrame.of(("f" + n).getBytes(StandardCharsets.UTF_8)),
                    null);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> recorders.stream().allMatch(r -> r.frames.size() == 500));
        Set<String> allThreads = new java.util.HashSet<>();
        for (Recorder r : recorders) {
            for (int n = 0; n < 500; n++) {
                assertThat(r.frames.get(n)).isEqualTo("f" + n);
            }
            assertThat(r.threads).hasSize(1);
            allThreads.addAll(r.threads);
        }
        assertThat(allThreads).hasSize(3).contains(Thread.currentThread().getName());
    }

    @Test
    void theSenderOfAClientEventIsSkippedOnEveryLane() throws Exception {
        lanes.start();
        List<Recorder> recorders = subscribed(12, "2000.", "private-chat");
        for (Recorder sender : recorders) {
            hub.publish(
                    "app",
                    "private-chat",
                    OutboundFrame.of(sender.socketId().getBytes(StandardCharsets.UTF_8)),
                    sender.socketId());
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> recorders.stream().allMatch(r -> r.frames.size() == 11));
        for (Recorder r : recorders) {
            assertThat(r.frames).doesNotContain(r.socketId()).doesNotHaveDuplicates();
        }
        assertThat(hub.channelsOf("app")).containsEntry("private-chat", 12);
    }

    @Test
    void beforeStartEveryLaneDeliversOnThePublishingThread() {
        Recorder r = new Recorder("3000.1");
        Recorder s = new Recorder("3000.2");
        hub.subscribe("app", "ch", r);
        hub.subscribe("app", "ch", s);
        hub.publish("app", "ch", OutboundFrame.of(new byte[] {'x'}), null);
        assertThat(r.frames).containsExactly("x");
        assertThat(s.frames).containsExactly("x");
    }
}
