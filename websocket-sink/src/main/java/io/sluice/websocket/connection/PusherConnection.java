package io.sluice.websocket.connection;

import io.sluice.websocket.app.App;
import io.sluice.websocket.broker.StreamPosition;
import io.sluice.websocket.channel.CatchUp;
import io.sluice.websocket.channel.ChannelRoute;
import io.sluice.websocket.channel.OutboundFrame;
import io.sluice.websocket.protocol.CloseCodes;
import io.sluice.websocket.protocol.ProtocolException;
import io.sluice.websocket.protocol.PusherCodec;
import io.sluice.websocket.protocol.PusherMessage;
import io.sluice.websocket.protocol.Signatures;

import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One client's connection: the Pusher protocol's client side messages in, frames out through a
 * bounded {@link OutboundQueue}.
 *
 * <p>Bad input never ends the service for anyone else: a malformed message, an unknown event or a
 * bad channel gets a {@code pusher:error} and the connection stays; a bad private-channel signature
 * gets {@code pusher:subscription_error} (AuthError, 401) on that channel, as Soketi sends; binary
 * frames (1003), oversized ones (1009), floods (4301), silence (4201) and a client too slow for its
 * updates (4100) close this connection only.
 */
public final class PusherConnection implements OutboundQueue.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(PusherConnection.class);

    /** The extension field of pusher:subscribe's data: the last stream id a resuming client saw. */
    public static final String RESUME_FIELD = "last_id";

    /** How long a close may wait for the client before the connection is dropped. */
    static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ConnectionContext ctx;
    private final String appKey;
    private final String protocol;
    private final String socketId = ConnectionRegistry.newSocketId();
    private App app;
    private final Map<String, ChannelSubscription> subscriptions = new HashMap<>(4);
    private volatile Transport transport;
    private volatile OutboundQueue queue;
    private volatile boolean registered;
    private volatile boolean closing;
    private volatile long closingSinceNanos;
    private volatile boolean closed;
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile long pingSentNanos;
    private long rateWindowStart;
    private int rateCount;

    /**
     * @param appKey the key in the path /app/{key}
     * @param protocol the protocol query parameter, or null
     */
    public PusherConnection(ConnectionContext ctx, String appKey, String protocol) {
        this.ctx = ctx;
        this.appKey = appKey;
        this.protocol = protocol;
    }

    /** The connection is open: its frames go out through {@code t}. */
    void open(Transport t) {
        transport = t;
        queue = new OutboundQueue(t, ctx.settings().queueMaxMessages(), this);
        app = ctx.settings().apps().byKey(appKey);
        if (app == null) {
            refuse(
                    CloseCodes.APP_DOES_NOT_EXIST,
                    "App key " + appKey + " does not exist",
                    "unknown-app");
            return;
        }
        if (!app.enabled()) {
            refuse(CloseCodes.APP_DISABLED, "App " + app.id() + " is disabled", "app-disabled");
            return;
        }
        if (protocol == null || protocol.isEmpty()) {
            refuse(
                    CloseCodes.NO_PROTOCOL,
                    "No protocol version: connect with ?protocol=7",
                    "no-protocol");
            return;
        }
        if (!protocol.equals("7") && !protocol.equals("6") && !protocol.equals("5")) {
            refuse(
                    CloseCodes.UNSUPPORTED_PROTOCOL,
                    "Unsupported protocol version " + protocol + ": 5 to 7",
                    "bad-protocol");
            return;
        }
        if (!ctx.registry().add(this)) {
            refuse(
                    CloseCodes.OVER_CAPACITY,
                    "Over capacity: too many connections, try again later",
                    "over-capacity");
            return;
        }
        registered = true;
        send(ctx.codec().connectionEstablished(socketId, ctx.settings().activityTimeoutSeconds()));
    }

    /**
     * A {@code pusher:error} then the close. The error goes straight to the transport, ahead of any
     * updates still waiting in the queue, which the close drops: so the client always learns why.
     */
    private void refuse(int code, String message, String kind) {
        ctx.metrics().error(kind);
        if (!closing) {
            transport.send(ctx.codec().error(code, message), Callback.NOOP);
        }
        closeWith(code, message);
    }

    public String socketId() {
        return socketId;
    }

    /** The app it connected to; null until open, or when the key was unknown. */
    public App app() {
        return app;
    }

    /** A text message from the client. */
    void received(String text) {
        ctx.metrics().messageIn();
        lastSeenNanos = System.nanoTime();
        pingSentNanos = 0;
        if (closing || !registered) {
            return;
        }
        if (flooding(lastSeenNanos)) {
            refuse(CloseCodes.CLIENT_RATE_LIMIT, "Client event rate limit exceeded", "rate-limit");
            return;
        }
        try {
            PusherMessage m = ctx.codec().decode(text);
            switch (m.event()) {
                case PusherCodec.SUBSCRIBE -> subscribe(m);
                case PusherCodec.UNSUBSCRIBE -> unsubscribe(m);
                case PusherCodec.PING -> send(ctx.codec().pong());
                case PusherCodec.PONG -> {} // the activity is noted above
                default ->
                        throw m.event().startsWith("client-")
                                ? new ProtocolException(
                                        "client-event",
                                        "Client events are not supported: " + m.event())
                                : new ProtocolException(
                                        "unknown-event", "Unknown event: " + m.event());
            }
        } catch (ProtocolException e) {
            ctx.metrics().error(e.kind());
            send(ctx.codec().error(null, e.getMessage()));
        }
    }

    private boolean flooding(long now) {
        if (now - rateWindowStart > TimeUnit.SECONDS.toNanos(1)) {
            rateWindowStart = now;
            rateCount = 0;
        }
        return ++rateCount > ctx.settings().maxClientMessagesPerSecond();
    }

    private void subscribe(PusherMessage m) throws ProtocolException {
        String channel = m.dataText("channel");
        if (channel == null) {
            throw new ProtocolException("bad-channel", "pusher:subscribe needs data.channel");
        }
        ChannelRoute route = ctx.names().route(channel);
        if (route.isPresence()) {
            throw new ProtocolException(
                    "bad-channel", "Presence channels are not offered: " + channel);
        }
        if (route.isPrivate() && !authorized(channel, m.dataText("auth"))) {
            ctx.metrics().error("unauthorized");
            send(
                    ctx.codec()
                            .subscriptionError(
                                    channel,
                                    "AuthError",
                                    "Invalid signature: the auth does not sign "
                                            + socketId
                                            + ":"
                                            + channel
                                            + " with the app's secret",
                                    401));
            return;
        }
        StreamPosition resume = resumeId(m.dataText(RESUME_FIELD));
        ChannelSubscription sub;
        synchronized (subscriptions) {
            if (subscriptions.containsKey(channel)) {
                send(ctx.codec().subscriptionSucceeded(channel));
                return;
            }
            if (subscriptions.size() >= ctx.settings().maxSubscriptions()) {
                throw new ProtocolException(
                        "too-many-subscriptions",
                        "Too many subscriptions: at most "
                                + ctx.settings().maxSubscriptions()
                                + " per connection");
            }
            sub =
                    new ChannelSubscription(
                            this,
                            route,
                            null,
                            route.carriesUpdates(),
                            ctx.settings().queueMaxMessages());
            subscriptions.put(channel, sub);
        }
        ctx.hub().subscribe(app.id(), channel, sub);
        send(ctx.codec().subscriptionSucceeded(channel));
        if (route.carriesUpdates()) {
            ctx.catchUpExecutor().execute(() -> catchUp(sub, resume));
        }
    }

    private void catchUp(ChannelSubscription sub, StreamPosition resume) {
        try {
            CatchUp.Result r = ctx.catchUp().of(sub.route(), resume);
            sub.goLive(r.frames(), r.upTo());
        } catch (RuntimeException e) {
            // The broker is away: the client gets the live updates when it is back, without the
            // catch-up
            ctx.metrics().error("catch-up");
            LOG.warn("No catch-up for {} on {}: {}", socketId, sub.route().name(), e.getMessage());
            sub.goLive(List.of(), null);
        }
    }

    private static StreamPosition resumeId(String text) throws ProtocolException {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return StreamPosition.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(
                    "malformed",
                    RESUME_FIELD + " must be a stream id like 1795735268000-0: " + text);
        }
    }

    private boolean authorized(String channel, String auth) {
        if (auth == null) {
            return false;
        }
        int colon = auth.indexOf(':');
        return colon > 0
                && auth.substring(0, colon).equals(app.key())
                && Signatures.matches(
                        app.signatures().channelSignature(socketId, channel),
                        auth.substring(colon + 1));
    }

    private void unsubscribe(PusherMessage m) throws ProtocolException {
        String channel = m.dataText("channel");
        if (channel == null) {
            throw new ProtocolException("bad-channel", "pusher:unsubscribe needs data.channel");
        }
        ChannelSubscription sub;
        synchronized (subscriptions) {
            sub = subscriptions.remove(channel);
        }
        if (sub != null) {
            ctx.hub().unsubscribe(app.id(), channel, sub);
        }
    }

    /** A binary message came: this protocol is text only. */
    void binaryReceived() {
        ctx.metrics().error("binary-frame");
        closeWith(CloseCodes.UNSUPPORTED_DATA, "Text frames only");
    }

    /** A text message over the limit came: the session closes with 1009. */
    void oversized() {
        ctx.metrics().error("oversized-frame");
    }

    /** The session failed (bad frame, I/O error); {@link #closed} follows. */
    void sessionFailed(Throwable cause) {
        LOG.debug("Connection {} failed", socketId, cause);
    }

    /** The session is closed, with the code and reason of its close. */
    void closed(int code, String reason) {
        closing = true;
        closed = true;
        ctx.metrics().disconnected(code);
        if (registered) {
            ctx.registry().remove(this);
        }
        Map<String, ChannelSubscription> subs;
        synchronized (subscriptions) {
            subs = new HashMap<>(subscriptions);
            subscriptions.clear();
        }
        subs.forEach((channel, sub) -> ctx.hub().unsubscribe(app.id(), channel, sub));
        OutboundQueue q = queue;
        if (q != null) {
            q.close();
        }
    }

    /**
     * Pings a client that has been quiet for the activity timeout; closes one that did not answer;
     * drops one whose close has not gone through in {@link #CLOSE_GRACE_NANOS} (its close frame
     * waits behind writes it does not read), so its slot is free again.
     */
    void checkActivity(long now) {
        if (closing) {
            if (!closed && now - closingSinceNanos > CLOSE_GRACE_NANOS) {
                Transport t = transport;
                if (t != null) {
                    t.abort();
                }
            }
            return;
        }
        long ping = pingSentNanos;
        if (ping != 0) {
            if (now - ping > ctx.settings().pongTimeout().toNanos()) {
                ctx.metrics().error("pong-timeout");
                closeWith(CloseCodes.PONG_NOT_RECEIVED, "Pong reply not received");
            }
        } else if (now - lastSeenNanos
                > TimeUnit.SECONDS.toNanos(ctx.settings().activityTimeoutSeconds())) {
            pingSentNanos = now;
            send(ctx.codec().ping());
        }
    }

    void enqueue(OutboundFrame frame) {
        OutboundQueue q = queue;
        if (q != null) {
            q.offer(frame);
        }
    }

    private void send(byte[] frame) {
        enqueue(OutboundFrame.of(frame));
    }

    /** The client cannot keep up: close it, so it reconnects later and others go on. */
    void overCapacity() {
        if (closing) {
            return; // counted once: a subscription still catching up reports every update it cannot
            // keep
        }
        ctx.metrics().error("slow-consumer");
        closeWith(CloseCodes.OVER_CAPACITY, "Over capacity: the client reads too slowly");
    }

    void closeWith(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        closingSinceNanos = System.nanoTime();
        Transport t = transport;
        if (t != null) {
            t.close(code, reason);
        }
    }

    @Override
    public void sent() {
        ctx.metrics().messageOut();
    }

    @Override
    public void conflated() {
        ctx.metrics().conflated();
    }

    @Override
    public void overflowed() {
        overCapacity();
    }

    @Override
    public void failed(Throwable cause) {
        LOG.debug("Write to {} failed", socketId, cause);
    }
}
