package io.sluice.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The load generator's WebSocket clients: one Jetty {@link WebSocketClient} over one HttpClient, K
 * connections opened in parallel batches, each subscribed to one group's channel, each checking
 * that it gets every message of its group once, and timing each from its publish to its receipt.
 *
 * <p>A message's sequence and publish time travel in its data: the window start {@code s} is {@code
 * base + 1000 × sequence}, and {@code p} is the publish time in microseconds of {@link #micros()},
 * a clock the publisher in this JVM shares. Sequence -1 is the probe sent before the measurement,
 * which shows that every subscription is live.
 */
public final class FanoutClients implements AutoCloseable {
    /** The start of a data frame, of websocket-sink and of the bare server alike. */
    static final String DATA_PREFIX = "{\"event\":\"scada.data.received\"";

    static final String S_KEY = "\\\"s\\\":"; // inside the data string: \"s\":
    static final String P_KEY = "\\\"p\\\":";
    private static final String PONG = "{\"event\":\"pusher:pong\",\"data\":{}}";

    private final HttpClient http;
    private final WebSocketClient ws;

    FanoutClients(int selectors) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 8);
        threads.setName("loadgen");
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(selectors);
        connector.setExecutor(threads);
        http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        // Every upgrade takes a connection of the destination's pool until it is upgraded.
        http.setMaxConnectionsPerDestination(65_536);
        http.setMaxRequestsQueuedPerDestination(65_536);
        http.setConnectTimeout(30_000);
        ws = new WebSocketClient(http);
        ws.setIdleTimeout(Duration.ofMinutes(10));
        ws.setMaxTextMessageSize(64 * 1024);
        ws.start();
    }

    /**
     * Microseconds of CLOCK_MONOTONIC (nanoTime on Linux): the clock every process of the machine
     * shares, so Node clients can time what this JVM publishes.
     */
    static long micros() {
        return System.nanoTime() / 1000;
    }

    HttpClient http() {
        return http;
    }

    WebSocketClient ws() {
        return ws;
    }

    /**
     * Where clients connect and what they subscribe to.
     *
     * @param uri the URI of a client of a group
     * @param subscribe the pusher:subscribe message of a group, or null for the bare server (the
     *     path says the group; it answers {@code subscribed})
     */
    record Target(IntFunction<URI> uri, IntFunction<String> subscribe) {}

    /**
     * Opens {@code k} connections, client i in group i mod {@code groups}, at most {@code parallel}
     * upgrades and subscriptions under way at once; returns when all are subscribed.
     */
    Round connect(
            Target target,
            int k,
            int groups,
            int messages,
            long base,
            int parallel,
            Duration timeout)
            throws Exception {
        Round round = new Round(k, messages, base, parallel);
        for (int i = 0; i < k; i++) {
            round.acquire(i, timeout);
            int group = i % groups;
            Receiver r = new Receiver(round, target.subscribe().apply(group));
            round.clients.add(r);
            ws.connect(r, target.uri().apply(group))
                    .whenComplete(
                            (session, failure) -> {
                                if (failure != null) {
                                    round.connectFailed("connect: " + failure);
                                }
                            });
        }
        round.awaitSubscribed(timeout);
        return round;
    }

    /** What opens a round's clients: these Jetty ones, or {@link RawFanoutClients}. */
    interface Opener {
        Round connect(
                Target target,
                int k,
                int groups,
                int messages,
                long base,
                int parallel,
                Duration timeout)
                throws Exception;
    }

    @Override
    public void close() throws Exception {
        ws.stop();
        http.stop();
    }

    /** One round's clients and what they received. */
    static final class Round {
        final int k;
        final int messages;
        final long base;
        final Semaphore permits;
        final List<Client> clients = new ArrayList<>();
        final CountDownLatch subscribed;
        final CountDownLatch primed;
        final CountDownLatch complete;
        final CountDownLatch closed;
        final Recorder latency = new Recorder(3);
        final LongAdder received = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder unexpected = new LongAdder();
        final AtomicLong lastReceiptNanos = new AtomicLong();
        volatile boolean closing;
        volatile String firstFailure;

        Round(int k, int messages, long base, int parallel) {
            this.k = k;
            this.messages = messages;
            this.base = base;
            this.permits = new Semaphore(parallel);
            this.subscribed = new CountDownLatch(k);
            this.primed = new CountDownLatch(k);
            this.complete = new CountDownLatch(k);
            this.closed = new CountDownLatch(k);
        }

        void failed(String what) {
            unexpected.increment();
            if (firstFailure == null) {
                firstFailure = what;
            }
        }

        /** Waits for one of the {@code parallel} permits before opening client {@code i}. */
        void acquire(int i, Duration timeout) throws InterruptedException {
            if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        "connecting stalled after " + i + " of " + k + " clients");
            }
        }

        /** A client that never connected: counted as done with subscribing, its permit returned. */
        void connectFailed(String what) {
            failed(what);
            subscribed.countDown();
            permits.release();
        }

        /** Waits until every client is subscribed; throws if one failed. */
        void awaitSubscribed(Duration timeout) throws InterruptedException {
            if (!subscribed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    || firstFailure != null) {
                throw new IllegalStateException(
                        (k - subscribed.getCount())
                                + " of "
                                + k
                                + " clients subscribed"
                                + (firstFailure != null ? "; first failure: " + firstFailure : ""));
            }
        }

        /** Waits until every client has the probe. */
        void awaitPrimed(Duration timeout) throws InterruptedException {
            if (!primed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        primed.getCount() + " of " + k + " clients did not get the probe");
            }
        }

        /**
         * Waits until every client has every message, or nothing new came for {@code quiet}; the
         * nanoTime of the last receipt (or now, when some never came).
         */
        long awaitComplete(Duration quiet) throws InterruptedException {
            long seen = -1;
            while (!complete.await(quiet.toMillis(), TimeUnit.MILLISECONDS)) {
                long now = received.sum();
                if (now == seen) {
                    break; // nothing moved for a whole quiet period: the rest is lost
                }
                seen = now;
            }
            return complete.getCount() == 0 ? lastReceiptNanos.get() : System.nanoTime();
        }

        /** Messages that never arrived, over all clients. */
        long lost() {
            return (long) k * messages - received.sum();
        }

        Histogram histogram() {
            return latency.getIntervalHistogram();
        }

        /** Closes every connection (1000) and waits for the close handshakes. */
        void closeAll(Duration timeout) throws InterruptedException {
            closing = true;
            for (Client c : clients) {
                c.close();
            }
            closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A connection that reads nothing of interest: the publisher's to the bare server. */
    public static final class Quiet implements Session.Listener.AutoDemanding {}

    /**
     * One client's accounting, whatever its transport: subscribes, then checks each data frame's
     * sequence and records its latency.
     */
    abstract static class Client {
        final Round round;
        private final String subscribe;
        private final long[] seen;
        private int distinct;
        private boolean primed;
        private boolean subscribed;
        private boolean closed;

        Client(Round round, String subscribe) {
            this.round = round;
            this.subscribe = subscribe;
            this.seen = new long[(round.messages + 63) / 64];
        }

        /** Sends a text message (from the thread that delivers this client's messages). */
        abstract void send(String text);

        /** Starts the close handshake (1000), or counts the client closed if it is not open. */
        abstract void close();

        /** A text message that is not a data frame. */
        final void control(String m) {
            if (subscribe == null
                    ? m.equals("subscribed")
                    : m.contains("pusher_internal:subscription_succeeded")) {
                if (!subscribed) {
                    subscribed = true;
                    round.subscribed.countDown();
                    round.permits.release();
                }
            } else if (subscribe != null && m.contains("pusher:connection_established")) {
                send(subscribe);
            } else if (m.contains("pusher:ping")) {
                send(PONG);
            } else {
                round.failed("unexpected message: " + m);
            }
        }

        /**
         * A data frame with window start {@code s} and publish time {@code p}, received at {@code
         * now}.
         */
        final void data(long s, long p, long now) {
            long seq = Math.floorDiv(s - round.base, 1000);
            if (seq < 0) {
                if (!primed) {
                    primed = true;
                    round.primed.countDown();
                }
                return;
            }
            round.latency.recordValue(Math.max(0, now - p));
            if (seq >= round.messages) {
                round.failed("sequence " + seq + " out of range");
                return;
            }
            long bit = 1L << seq;
            int word = (int) (seq >>> 6);
            if ((seen[word] & bit) != 0) {
                round.duplicates.increment();
                return;
            }
            seen[word] |= bit;
            round.received.increment();
            if (++distinct == round.messages) {
                round.lastReceiptNanos.accumulateAndGet(System.nanoTime(), Math::max);
                round.complete.countDown();
            }
        }

        /** The connection closed: a fault unless the round is closing. */
        final void closedBy(String what) {
            if (!round.closing) {
                round.failed(what);
            }
            closedOnce();
        }

        synchronized void closedOnce() {
            if (!closed) {
                closed = true;
                round.closed.countDown();
            }
        }
    }

    /**
     * One Jetty client: decodes each frame into a String. Public, as Jetty calls endpoints through
     * public method handles.
     */
    public static final class Receiver extends Client implements Session.Listener.AutoDemanding {
        private volatile Session session;

        Receiver(Round round, String subscribe) {
            super(round, subscribe);
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        void send(String text) {
            session.sendText(text, Callback.NOOP);
        }

        @Override
        void close() {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.close(StatusCode.NORMAL, "round over", Callback.NOOP);
            } else {
                closedOnce();
            }
        }

        @Override
        public void onWebSocketText(String m) {
            if (m.startsWith(DATA_PREFIX)) {
                long now = micros();
                int i = m.indexOf(S_KEY);
                long s = number(m, i + S_KEY.length());
                long p = number(m, m.indexOf(P_KEY, i) + P_KEY.length());
                data(s, p, now);
            } else {
                control(m);
            }
        }

        private static long number(String m, int at) {
            long v = 0;
            for (int i = at; i < m.length(); i++) {
                char c = m.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closedBy("closed " + statusCode + " " + reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            if (!round.closing) {
                round.failed("error: " + cause);
            }
        }
    }
}
