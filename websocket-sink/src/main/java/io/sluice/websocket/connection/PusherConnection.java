package io.sluice.websocket.connection;

import io.sluice.websocket.app.App;
import io.sluice.websocket.broker.StreamPosition;
import io.sluice.websocket.channel.CatchUp;
import io.sluice.websocket.channel.ChannelNames;
import io.sluice.websocket.channel.ChannelRoute;
import io.sluice.websocket.channel.ChannelType;
import io.sluice.websocket.channel.OutboundFrame;
import io.sluice.websocket.cluster.ClusterState;
import io.sluice.websocket.protocol.CloseCodes;
import io.sluice.websocket.protocol.ProtocolException;
import io.sluice.websocket.protocol.PusherCodec;
import io.sluice.websocket.protocol.PusherMessage;
import io.sluice.websocket.protocol.Signatures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

    /** The longest client event name, as the HTTP API's. */
    static final int MAX_EVENT_NAME_CHARS = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

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
    private long clientEventWindowStart;
    private int clientEventCount;
    private volatile String signedInUser;
    private ChannelSubscription userSubscription;

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
                case PusherCodec.SIGNIN -> signin(m);
                default -> {
                    if (!m.event().startsWith(PusherCodec.CLIENT_EVENT_PREFIX)) {
                        throw new ProtocolException("unknown-event", "Unknown event: " + m.event());
                    }
                    clientEvent(m);
                }
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
        Member member = null;
        if (route.isPresence()) {
            String channelData = m.dataText("channel_data");
            if (channelData == null
                    || !authorized(
                            socketId + ":" + channel + ":" + channelData, m.dataText("auth"))) {
                authError(channel, socketId + ":" + channel + ":<channel_data>");
                return;
            }
            member = member(channel, channelData);
            if (member == null) {
                return;
            }
        } else if (route.isPrivate() && !authorized(socketId + ":" + channel, m.dataText("auth"))) {
            authError(channel, socketId + ":" + channel);
            return;
        }
        StreamPosition resume = resumeId(m.dataText(RESUME_FIELD));
        ChannelSubscription sub;
        synchronized (subscriptions) {
            if (subscriptions.containsKey(channel)) {
                if (!route.isPresence()) {
                    send(ctx.codec().subscriptionSucceeded(channel));
                }
                return;
            }
            if (subscriptions.size() >= ctx.settings().maxSubscriptions()) {
                throw new ProtocolException(
                        "too-many-subscriptions",
                        "Too many subscriptions: at most "
                                + ctx.settings().maxSubscriptions()
                                + " per connection");
            }
            // Frames wait until subscription_succeeded (and the catch-up, or the cached event)
            // has gone out.
            sub =
                    new ChannelSubscription(
                            this,
                            route,
                            member == null ? null : member.userId,
                            true,
                            ctx.settings().queueMaxMessages());
            subscriptions.put(channel, sub);
        }
        ctx.hub().subscribe(app.id(), channel, sub);
        ClusterState.Join join = null;
        try {
            // Counted first, so channel_occupied comes before member_added, as Pusher sends them.
            ctx.cluster().subscribed(app, channel);
            sub.counted(true);
        } catch (RuntimeException e) {
            if (member != null) {
                refuseUnavailable(channel, sub, e);
                return;
            }
            // Only presence needs the cluster; updates flow without the count (channel queries
            // and occupied webhooks miss this one).
            ctx.metrics().error("cluster-state");
            LOG.warn("Subscription of {} to {} not counted: {}", socketId, channel, e.toString());
        }
        if (member != null) {
            try {
                join = ctx.cluster().join(app, channel, member.userId, member.userInfo, socketId);
            } catch (RuntimeException e) {
                refuseUnavailable(channel, sub, e);
                return;
            }
            if (join.outcome() == ClusterState.Join.Outcome.FULL) {
                forget(channel, sub);
                countOff(channel, sub);
                ctx.metrics().error("presence-full");
                send(
                        ctx.codec()
                                .subscriptionError(
                                        channel,
                                        "LimitReached",
                                        "The channel has its most members: "
                                                + app.maxPresenceMembersPerChannel(),
                                        CloseCodes.OVER_CAPACITY));
                return;
            }
        }
        send(
                join != null
                        ? ctx.codec().presenceSubscriptionSucceeded(channel, join.members())
                        : ctx.codec().subscriptionSucceeded(channel));
        if (route.carriesUpdates()) {
            ctx.catchUpExecutor().execute(() -> catchUp(sub, resume));
            return;
        }
        if (route.cache()) {
            byte[] last = cachedQuietly(channel);
            send(last != null ? last : ctx.codec().cacheMiss(channel));
        }
        sub.goLive(List.of(), null);
    }

    /** A presence member's user id and info, as its channel_data names them. */
    private record Member(String userId, String userInfo) {}

    /** The member of a signed channel_data; null, after a subscription_error, when it is bad. */
    private Member member(String channel, String channelData) {
        JsonNode data;
        try {
            data = JSON.readTree(channelData);
        } catch (IOException e) {
            data = null;
        }
        JsonNode id = data != null && data.isObject() ? data.get("user_id") : null;
        String userId = id != null && (id.isTextual() || id.isNumber()) ? id.asText() : null;
        if (userId == null || userId.isEmpty()) {
            ctx.metrics().error("bad-channel-data");
            send(
                    ctx.codec()
                            .subscriptionError(
                                    channel,
                                    "AuthError",
                                    "channel_data must be a JSON object with a user_id",
                                    400));
            return null;
        }
        JsonNode info = data.get("user_info");
        String userInfo = info == null || info.isNull() ? null : info.toString();
        int size = userInfo == null ? 0 : userInfo.getBytes(StandardCharsets.UTF_8).length;
        if (size > app.maxPresenceMemberBytes()) {
            ctx.metrics().error("presence-member-too-big");
            send(
                    ctx.codec()
                            .subscriptionError(
                                    channel,
                                    "LimitReached",
                                    "user_info is "
                                            + size
                                            + " bytes, over the most of "
                                            + app.maxPresenceMemberBytes(),
                                    CloseCodes.CLIENT_RATE_LIMIT));
            return null;
        }
        return new Member(userId, userInfo);
    }

    private void authError(String channel, String signed) {
        ctx.metrics().error("unauthorized");
        send(
                ctx.codec()
                        .subscriptionError(
                                channel,
                                "AuthError",
                                "Invalid signature: the auth does not sign "
                                        + signed
                                        + " with the app's secret",
                                401));
    }

    private byte[] cachedQuietly(String channel) {
        try {
            return ctx.cluster().cached(app, channel);
        } catch (RuntimeException e) {
            ctx.metrics().error("cluster-state");
            return null;
        }
    }

    /** Undoes the local half of a subscription that the cluster refused. */
    private void forget(String channel, ChannelSubscription sub) {
        synchronized (subscriptions) {
            subscriptions.remove(channel, sub);
        }
        ctx.hub().unsubscribe(app.id(), channel, sub);
    }

    /** Refuses a presence subscription the cluster state could not take: 503, as Soketi would. */
    private void refuseUnavailable(String channel, ChannelSubscription sub, RuntimeException e) {
        ctx.metrics().error("cluster-state");
        forget(channel, sub);
        countOff(channel, sub);
        LOG.warn("No subscription of {} to {}: {}", socketId, channel, e.toString());
        send(
                ctx.codec()
                        .subscriptionError(
                                channel,
                                "ServerError",
                                "Redis is unavailable, try again later",
                                503));
    }

    /** A subscription ended: off the hub, then off the cluster's counts and members. */
    private void ended(String channel, ChannelSubscription sub) {
        ctx.hub().unsubscribe(app.id(), channel, sub);
        countOff(channel, sub);
        if (sub.userId() != null) {
            leaveQuietly(channel, sub.userId());
        }
    }

    /** Takes a counted subscription off the cluster's count, once. */
    private void countOff(String channel, ChannelSubscription sub) {
        if (!sub.counted()) {
            return;
        }
        sub.counted(false);
        try {
            ctx.cluster().unsubscribed(app, channel);
        } catch (RuntimeException e) {
            // The instance's self-reap on stop, or its missed heartbeats, take it off.
            ctx.metrics().error("cluster-state");
            LOG.warn(
                    "Subscription of {} to {} not counted off: {}",
                    socketId,
                    channel,
                    e.toString());
        }
    }

    private void leaveQuietly(String channel, String userId) {
        try {
            ctx.cluster().leave(app, channel, userId);
        } catch (RuntimeException e) {
            // Its heartbeat keeps the member until this instance stops, which reaps itself.
            ctx.metrics().error("cluster-state");
            LOG.warn("Member {} of {} not removed: {}", userId, channel, e.toString());
        }
    }

    /**
     * A client event: on a private or presence channel this connection is subscribed to, for the
     * channel's other subscribers on every instance, never back to the sender.
     */
    private void clientEvent(PusherMessage m) throws ProtocolException {
        if (!app.enableClientMessages()) {
            throw new ProtocolException(
                    "client-event",
                    "Client events are not enabled for app "
                            + app.id()
                            + " (enableClientMessages)");
        }
        String channel = m.channel();
        ChannelSubscription sub;
        synchronized (subscriptions) {
            sub = channel == null ? null : subscriptions.get(channel);
        }
        if (sub == null) {
            throw new ProtocolException(
                    "client-event", "Client event rejected: not subscribed to channel " + channel);
        }
        if (!sub.route().allowsClientEvents()) {
            throw new ProtocolException(
                    "client-event",
                    "Client event rejected - only supported on private and presence channels,"
                            + " not on public or encrypted ones: "
                            + channel);
        }
        if (m.event().length() > MAX_EVENT_NAME_CHARS) {
            throw new ProtocolException(
                    "client-event",
                    "Client event name longer than " + MAX_EVENT_NAME_CHARS + " characters");
        }
        if (m.rawData().getBytes(StandardCharsets.UTF_8).length > app.maxEventPayloadBytes()) {
            throw new ProtocolException(
                    "client-event",
                    "Client event data over " + app.maxEventPayloadBytes() + " bytes");
        }
        if (clientEventsOverLimit(System.nanoTime())) {
            ctx.metrics().error("client-event-rate-limit");
            send(
                    ctx.codec()
                            .error(
                                    CloseCodes.CLIENT_RATE_LIMIT,
                                    "Client event rejected due to rate limit: at most "
                                            + app.maxClientEventsPerSecond()
                                            + " per second"));
            return;
        }
        try {
            ctx.cluster().clientEvent(app, channel, m.event(), m.rawData(), socketId, sub.userId());
            ctx.metrics().clientEvent(sub.route().type().name().toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new ProtocolException(
                    "cluster-state", "Client event not sent: Redis is unavailable");
        }
    }

    private boolean clientEventsOverLimit(long now) {
        int max = app.maxClientEventsPerSecond();
        if (max < 0) {
            return false;
        }
        if (now - clientEventWindowStart > TimeUnit.SECONDS.toNanos(1)) {
            clientEventWindowStart = now;
            clientEventCount = 0;
        }
        return ++clientEventCount > max;
    }

    /**
     * {@code pusher:signin}: the app's signature over {@code socket_id::user::user_data} makes this
     * connection the user's, on {@code #server-to-user-{id}}; a bad one closes it with 4009.
     */
    private void signin(PusherMessage m) {
        String userData = m.dataText("user_data");
        String userId = null;
        if (userData != null && authorized(socketId + "::user::" + userData, m.dataText("auth"))) {
            try {
                JsonNode data = JSON.readTree(userData);
                JsonNode id = data != null && data.isObject() ? data.get("id") : null;
                if (id != null && (id.isTextual() || id.isNumber()) && !id.asText().isEmpty()) {
                    userId = id.asText();
                }
            } catch (IOException e) {
                userId = null;
            }
        }
        if (userId == null || signedInUser != null) {
            refuse(
                    CloseCodes.UNAUTHORIZED,
                    signedInUser != null
                            ? "Signed in already"
                            : "Invalid signin: the auth must sign "
                                    + socketId
                                    + "::user::<user_data> and user_data must hold an id",
                    "unauthorized-signin");
            return;
        }
        String channel = ChannelNames.userChannel(userId);
        ChannelSubscription sub =
                new ChannelSubscription(
                        this,
                        new ChannelRoute(channel, ChannelType.PUBLIC, false, 0, null),
                        userId,
                        false,
                        ctx.settings().queueMaxMessages());
        synchronized (subscriptions) {
            signedInUser = userId;
            userSubscription = sub;
        }
        ctx.hub().subscribe(app.id(), channel, sub);
        send(ctx.codec().signinSuccess(userData));
    }

    /** True when the connection signed in as the user, or is the user's on a presence channel. */
    boolean isUser(String userId) {
        if (userId.equals(signedInUser)) {
            return true;
        }
        synchronized (subscriptions) {
            for (ChannelSubscription sub : subscriptions.values()) {
                if (userId.equals(sub.userId())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The app ended the user's connections (terminate_connections). */
    void terminate() {
        refuse(CloseCodes.UNAUTHORIZED, "You got disconnected by the app.", "terminated");
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

    /** True when {@code auth} is {@code key:signature} of the signed text with this app's. */
    private boolean authorized(String signed, String auth) {
        if (auth == null) {
            return false;
        }
        int colon = auth.indexOf(':');
        return colon > 0
                && auth.substring(0, colon).equals(app.key())
                && Signatures.matches(app.signatures().sign(signed), auth.substring(colon + 1));
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
            ended(channel, sub);
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
        ChannelSubscription user;
        synchronized (subscriptions) {
            subs = new HashMap<>(subscriptions);
            subscriptions.clear();
            user = userSubscription;
            userSubscription = null;
        }
        subs.forEach(this::ended);
        if (user != null) {
            ctx.hub().unsubscribe(app.id(), user.route().name(), user);
        }
        OutboundQueue q = queue;
        if (q != null) {
            q.close();
        }
    }

    /**
     * Pings a client that has been quiet for the activity timeout; closes one that did not answer;
     * drops one whose close has not gone through in websocket.close.grace.ms (its close frame waits
     * behind writes it has not read: a stalled tab that reads again within it still learns 4100),
     * so its slot is free again.
     */
    void checkActivity(long now) {
        if (closing) {
            if (!closed && now - closingSinceNanos > ctx.settings().closeGrace().toNanos()) {
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
