package io.sluice.websocket.channel;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The threads a frame's deliveries are spread over, so the writes to many connections use every
 * core, not only the thread that read the frame.
 *
 * <p>Each subscriber belongs to one lane, by its socket id, so its frames keep their order. Lane 0
 * is the publishing thread itself; every other lane is a thread of its own with a bounded queue of
 * delivery tasks (one task per frame and lane, not per recipient). When a queue is full the
 * publisher waits for room, as it waited for the writes with one lane: the stream, not the heap,
 * holds the backlog.
 */
public final class FanoutLanes extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(FanoutLanes.class);
    private static final int QUEUE_TASKS = 4096;

    private final int lanes;
    private final Lane[] threads;

    /** One lane: every delivery on the publishing thread, as without lanes. */
    public static FanoutLanes inline() {
        return new FanoutLanes(1);
    }

    /**
     * @param lanes how many threads deliver, the publishing one included; 1 for none of their own
     */
    public FanoutLanes(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be at least 1: " + lanes);
        }
        this.lanes = lanes;
        this.threads = new Lane[lanes - 1];
    }

    /** How many lanes there are. */
    public int lanes() {
        return lanes;
    }

    /** The lane of a subscriber: the same for all its subscriptions, so its frames keep order. */
    int laneOf(Subscriber s) {
        return lanes == 1 ? 0 : Math.floorMod(s.socketId().hashCode(), lanes);
    }

    /** Runs a delivery task on its lane: at once on this thread for lane 0, else queued. */
    void run(int lane, Runnable task) {
        if (lane == 0) {
            task.run();
            return;
        }
        Lane l = threads[lane - 1];
        if (l == null || !isRunning()) {
            task.run(); // not started (tests, or a stop under way): in order on this thread
            return;
        }
        l.offer(task);
    }

    @Override
    protected void doStart() throws Exception {
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Lane("fanout-" + (i + 1));
            threads[i].start();
        }
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        for (int i = 0; i < threads.length; i++) {
            Lane l = threads[i];
            threads[i] = null;
            if (l != null) {
                l.interrupt();
                l.join(2000);
            }
        }
    }

    /** A lane's thread and its queue. */
    private static final class Lane extends Thread {
        private final BlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(QUEUE_TASKS);

        Lane(String name) {
            super(name);
            setDaemon(true);
        }

        void offer(Runnable task) {
            try {
                while (!tasks.offer(task, 100, TimeUnit.MILLISECONDS)) {
                    if (!isAlive()) {
                        task.run();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Runnable task = tasks.take();
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        // a subscriber's failure is its connection's: the lane goes on
                        LOG.warn("A delivery failed on {}", getName(), e);
                    }
                }
            } catch (InterruptedException e) {
                // stopping
            }
        }
    }
}
