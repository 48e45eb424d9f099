package io.sluice.bench;

import io.sluice.update.RedisClients;
import io.sluice.update.UpdateKeys;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XAddParams;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator's publisher: one group's update at a time, at a fixed rate, along one of three
 * paths, each message stamped with its publish time just before it leaves.
 *
 * <p>The message is the job's live-update format (conf/samples/updates/README.md) with {@code
 * --tags} tags of typical figures and one extra field, {@code p}, the publish time in microseconds,
 * which the server passes on untouched, and {@code q}, the sequence, for the Node clients of {@link
 * PusherFanoutBench} ({@code s} carries it too, see {@link FanoutClients}).
 */
abstract class FanoutPublisher implements AutoCloseable {
    static final String APP_ID = "scada-app";
    static final String APP_KEY = "scada-key";
    static final String APP_SECRET = "scada-secret";
    static final String EVENT = "scada.data.received";
    static final String CHANNEL = "scada-data";

    private final String tagsJson;
    private long base;

    FanoutPublisher(int tags) {
        StringBuilder t = new StringBuilder("{");
        for (int i = 0; i < tags; i++) {
            t.append(i == 0 ? "" : ",")
                    .append(
                            String.format(
                                    "\"pump%03d.pressure\":[10,4.102,4.931,4.51235,0.256121,4.49871,4.9,0,0]",
                                    i));
        }
        tagsJson = t.append('}').toString();
    }

    /** The channel group of group index i: plant1.area00, plant1.area01, ... */
    static String group(int i) {
        return String.format("plant1.area%02d", i);
    }

    /** The Pusher channel of group index i, as websocket-sink names it for the 1 s window. */
    static String channel(int i) {
        return CHANNEL + "." + group(i);
    }

    /**
     * Sets the round's base window start: message {@code seq} has {@code s = base + 1000 × seq}.
     */
    void base(long base) {
        this.base = base;
    }

    /** The job's message (the stream entry's {@code d}) for one sequence, stamped now. */
    final String message(long seq) {
        return "{\"w\":1000,\"s\":"
                + (base + 1000 * seq)
                + ",\"q\":"
                + seq
                + ",\"p\":"
                + FanoutClients.micros()
                + ",\"t\":"
                + tagsJson
                + "}";
    }

    /**
     * The event data websocket-sink makes of a stream entry: the id and group in front of the
     * message.
     */
    final String eventData(int group, long seq) {
        return "{\"id\":\""
                + System.currentTimeMillis()
                + "-0\",\"g\":\""
                + group(group)
                + "\","
                + message(seq).substring(1);
    }

    /** A JSON string literal of s (which holds no control characters). */
    static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Publishes message {@code seq} of a group. */
    abstract void publish(int group, long seq) throws Exception;

    /** Waits until everything published has been taken (HTTP answers); true when none failed. */
    boolean drain() throws InterruptedException {
        return true;
    }

    /** Publishes the probe (sequence -1) to every group. */
    void probe(int groups) throws Exception {
        for (int g = 0; g < groups; g++) {
            publish(g, -1);
        }
        if (!drain()) {
            throw new IllegalStateException("the probe was refused");
        }
    }

    /**
     * Publishes {@code messages} per group at {@code rate} per group and second, the groups' turns
     * evenly spread; returns how late the latest send was against its schedule, in nanoseconds.
     */
    long run(int groups, int messages, double rate) throws Exception {
        return onSchedule(
                (long) groups * messages,
                rate * groups,
                i -> publish((int) (i % groups), i / groups));
    }

    /**
     * Publishes {@code messages} per group at {@code rate} a second, every group's message of a
     * sequence at once, as a window's end flushes them all in the job; returns how late the latest
     * burst was against its schedule, in nanoseconds.
     */
    long runBursts(int groups, int messages, double rate) throws Exception {
        return onSchedule(
                messages,
                rate,
                seq -> {
                    for (int g = 0; g < groups; g++) {
                        publish(g, seq);
                    }
                });
    }

    /** One scheduled send. */
    private interface Tick {
        void send(long i) throws Exception;
    }

    private long onSchedule(long ticks, double perSecond, Tick tick) throws Exception {
        double interval = 1e9 / perSecond;
        long start = System.nanoTime();
        long late = 0;
        for (long i = 0; i < ticks; i++) {
            long due = start + (long) (i * interval);
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            late = Math.max(late, now - due);
            tick.send(i);
        }
        if (!drain()) {
            throw new IllegalStateException("some publishes were refused");
        }
        return late;
    }

    /**
     * The job's path: XADD to the 1 s updates stream, fields g and d, trimmed like the job's sink.
     */
    static final class Redis extends FanoutPublisher {
        private final Jedis jedis;
        private final String stream = UpdateKeys.streamKey("sluice:updates", 1000);
        private final XAddParams params =
                XAddParams.xAddParams().maxLen(10_000).approximateTrimming();

        Redis(int tags, URI redisUrl) {
            super(tags);
            jedis = RedisClients.connect(redisUrl);
        }

        @Override
        void publish(int group, long seq) {
            jedis.xadd(
                    stream,
                    params,
                    Map.of(
                            UpdateKeys.FIELD_GROUP,
                            group(group),
                            UpdateKeys.FIELD_DATA,
                            message(seq)));
        }

        @Override
        public void close() {
            jedis.close();
        }
    }

    /**
     * The Pusher HTTP API: {@code POST /apps/scada-app/events}, signed as the protocol says (query
     * keys sorted, HMAC-SHA256 of method, path and query), sent without waiting for the answer.
     */
    static final class Http extends FanoutPublisher {
        private final HttpClient http;
        private final String origin;
        private final String path = "/apps/" + APP_ID + "/events";
        private final Mac mac;
        private final MessageDigest md5;
        private final AtomicLong pending = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private volatile String firstFailure;

        Http(int tags, HttpClient http, int port) throws GeneralSecurityException {
            super(tags);
            this.http = http;
            this.origin = "http://127.0.0.1:" + port;
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            md5 = MessageDigest.getInstance("MD5");
        }

        @Override
        void publish(int group, long seq) {
            String body =
                    "{\"name\":\""
                            + EVENT
                            + "\",\"channels\":[\""
                            + channel(group)
                            + "\"],\"data\":"
                            + quoted(eventData(group, seq))
                            + "}";
            HexFormat hex = HexFormat.of();
            String query =
                    "auth_key="
                            + APP_KEY
                            + "&auth_timestamp="
                            + System.currentTimeMillis() / 1000
                            + "&auth_version=1.0&body_md5="
                            + hex.formatHex(md5.digest(body.getBytes(StandardCharsets.UTF_8)));
            String signature =
                    hex.formatHex(
                            mac.doFinal(
                                    ("POST\n" + path + "\n" + query)
                                            .getBytes(StandardCharsets.UTF_8)));
            pending.incrementAndGet();
            http.newRequest(origin + path + "?" + query + "&auth_signature=" + signature)
                    .method(HttpMethod.POST)
                    .body(new StringRequestContent("application/json", body))
                    .timeout(30, TimeUnit.SECONDS)
                    .send(
                            result -> {
                                if (result.isFailed() || result.getResponse().getStatus() != 200) {
                                    failed.incrementAndGet();
                                    if (firstFailure == null) {
                                        firstFailure =
                                                result.isFailed()
                                                        ? result.getFailure().toString()
                                                        : "HTTP "
                                                                + result.getResponse().getStatus();
                                    }
                                }
                                pending.decrementAndGet();
                            });
        }

        @Override
        boolean drain() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pending.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (failed.get() > 0) {
                System.err.println(
                        "HTTP publish: " + failed.get() + " failed, first: " + firstFailure);
            }
            return pending.get() == 0 && failed.get() == 0;
        }

        @Override
        public void close() {}
    }

    /**
     * The bare baseline: the frame websocket-sink would send, made here, handed to the bare server
     * over its control connection as {@code group\nframe}.
     */
    static final class Bare extends FanoutPublisher {
        private final Session control;

        Bare(int tags, WebSocketClient ws, int port) throws Exception {
            super(tags);
            control =
                    ws.connect(
                                    new FanoutClients.Quiet(),
                                    URI.create("ws://127.0.0.1:" + port + "/control"))
                            .get(10, TimeUnit.SECONDS);
        }

        /** Sends and waits until it is written, as the Redis publisher waits for its XADD. */
        @Override
        void publish(int group, long seq) throws Exception {
            String frame =
                    "{\"event\":\""
                            + EVENT
                            + "\",\"channel\":\""
                            + channel(group)
                            + "\",\"data\":"
                            + quoted(eventData(group, seq))
                            + "}";
            CompletableFuture<Void> sent = new CompletableFuture<>();
            control.sendText(
                    group + "\n" + frame,
                    Callback.from(() -> sent.complete(null), sent::completeExceptionally));
            sent.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            control.close();
        }
    }
}
