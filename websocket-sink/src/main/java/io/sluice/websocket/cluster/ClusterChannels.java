package io.sluice.websocket.cluster;

import io.sluice.websocket.app.App;
import io.sluice.websocket.app.Apps;
import io.sluice.websocket.broker.Broker;
import io.sluice.websocket.broker.EventEntry;
import io.sluice.websocket.channel.ChannelNames;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.protocol.PusherCodec;
import io.sluice.websocket.webhook.WebhookEvent;
import io.sluice.websocket.webhook.Webhooks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The cluster's side of the channels, in one place for the connections, the HTTP API and the
 * reaper: subscription counts with their {@code channel_occupied} / {@code channel_vacated}
 * webhooks, presence joins and leaves with {@code member_added} / {@code member_removed} for the
 * clients of every instance and the webhooks, the events stream every instance reads, and the cache
 * channels' last events.
 *
 * <p>Each transition is reported by the one instance whose change made it, so once per cluster.
 */
public final class ClusterChannels implements ClusterState.Reaped {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterChannels.class);

    private final ClusterState state;
    private final Broker broker;
    private final String eventsStream;
    private final Webhooks webhooks;
    private final Apps apps;
    private final PusherCodec codec;
    private final Duration cacheTtl;
    private final SinkMetrics metrics;

    public ClusterChannels(
            ClusterState state,
            Broker broker,
            String eventsStream,
            Webhooks webhooks,
            Apps apps,
            PusherCodec codec,
            Duration cacheTtl,
            SinkMetrics metrics) {
        this.state = Objects.requireNonNull(state, "state");
        this.broker = Objects.requireNonNull(broker, "broker");
        this.eventsStream = Objects.requireNonNull(eventsStream, "eventsStream");
        this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
        this.apps = Objects.requireNonNull(apps, "apps");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        state.listen(this);
    }

    /** The shared state, for the HTTP API's queries. */
    public ClusterState state() {
        return state;
    }

    /** A subscription here began; the first in the cluster occupies the channel. */
    public void subscribed(App app, String channel) {
        if (state.subscribed(app.id(), channel) == 1) {
            webhooks.emit(app, WebhookEvent.channelOccupied(channel));
        }
    }

    /** A subscription here ended; the last in the cluster vacates the channel. */
    public void unsubscribed(App app, String channel) {
        if (state.unsubscribed(app.id(), channel) == 0) {
            webhooks.emit(app, WebhookEvent.channelVacated(channel));
        }
    }

    /**
     * A connection of the user joins the presence channel; a new member is announced to everyone
     * else on it, on every instance.
     */
    public ClusterState.Join join(
            App app, String channel, String userId, String userInfo, String socketId) {
        ClusterState.Join join =
                state.join(app.id(), channel, userId, userInfo, app.maxPresenceMembersPerChannel());
        if (join.outcome() == ClusterState.Join.Outcome.ADDED) {
            publish(
                    new EventEntry(
                            app.id(),
                            List.of(channel),
                            PusherCodec.MEMBER_ADDED,
                            codec.memberAddedData(userId, userInfo),
                            socketId));
            webhooks.emit(app, WebhookEvent.memberAdded(channel, userId));
        }
        return join;
    }

    /** A connection of the user left the presence channel; its last one removes the member. */
    public void leave(App app, String channel, String userId) {
        if (state.leave(app.id(), channel, userId)) {
            memberRemoved(app, channel, userId);
        }
    }

    private void memberRemoved(App app, String channel, String userId) {
        publish(
                new EventEntry(
                        app.id(),
                        List.of(channel),
                        PusherCodec.MEMBER_REMOVED,
                        codec.memberRemovedData(userId),
                        null));
        webhooks.emit(app, WebhookEvent.memberRemoved(channel, userId));
    }

    /** A client event, for the channel's other subscribers on every instance, and the webhook. */
    public void clientEvent(
            App app, String channel, String event, String data, String socketId, String userId) {
        publish(new EventEntry(app.id(), List.of(channel), event, data, socketId, userId));
        webhooks.emit(app, WebhookEvent.clientEvent(channel, event, data, socketId, userId));
    }

    /**
     * Puts an event on the events stream for the clients of every instance, and keeps it as the
     * last event of those of its channels that are cache channels.
     *
     * @throws RuntimeException when the broker is away
     */
    public void publish(EventEntry event) {
        for (String channel : event.channels()) {
            if (ChannelNames.isCache(channel)) {
                String frame =
                        new String(
                                codec.event(event.name(), channel, event.data(), event.userId()),
                                StandardCharsets.UTF_8);
                state.cache(event.appId(), channel, frame, cacheTtl);
            }
        }
        broker.publish(eventsStream, event.toFields());
    }

    /** Closes every connection of the user of the app, on every instance. */
    public void terminate(App app, String userId) {
        broker.publish(eventsStream, EventEntry.terminateUser(app.id(), userId).toFields());
    }

    /** The cache channel's last event as a frame, or null, reporting the miss to the webhooks. */
    public byte[] cached(App app, String channel) {
        String frame = state.cached(app.id(), channel);
        if (frame == null) {
            webhooks.emit(app, WebhookEvent.cacheMiss(channel));
            return null;
        }
        return frame.getBytes(StandardCharsets.UTF_8);
    }

    // What the reaper found of a crashed instance: reported as if its clients had left.

    @Override
    public void vacated(String appId, String channel) {
        App app = apps.byId(appId);
        if (app != null) {
            webhooks.emit(app, WebhookEvent.channelVacated(channel));
        }
    }

    @Override
    public void memberRemoved(String appId, String channel, String userId) {
        App app = apps.byId(appId);
        if (app == null) {
            return;
        }
        try {
            metrics.error("reaped-member");
            memberRemoved(app, channel, userId);
        } catch (RuntimeException e) {
            LOG.warn("Could not announce that {} left {}: {}", userId, channel, e.getMessage());
        }
    }
}
