package io.sluice.websocket.connection;

import io.sluice.update.UpdateCodec;
import io.sluice.websocket.WebSocketSinkSettings;
import io.sluice.websocket.broker.Broker;
import io.sluice.websocket.channel.Broadcaster;
import io.sluice.websocket.channel.CatchUp;
import io.sluice.websocket.channel.ChannelNames;
import io.sluice.websocket.channel.Hub;
import io.sluice.websocket.cluster.ClusterChannels;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.protocol.PusherCodec;
import io.sluice.websocket.webhook.Webhooks;

import java.util.concurrent.Executor;

/**
 * What every connection shares: settings, codec, channel rules, the hub, the catch-up of new
 * subscriptions (run on {@code catchUpExecutor}, off Jetty's I/O threads), the registry, and the
 * cluster's side of the channels (counts, presence, cache, webhooks).
 */
public record ConnectionContext(
        WebSocketSinkSettings settings,
        PusherCodec codec,
        ChannelNames names,
        Hub hub,
        CatchUp catchUp,
        Executor catchUpExecutor,
        ConnectionRegistry registry,
        SinkMetrics metrics,
        ClusterChannels cluster) {

    /**
     * The context of a service: its channel rules and codecs from the settings, and a broadcaster
     * subscribed to the broker's streams (before the broker starts), which feeds the hub and the
     * catch-ups.
     */
    public static ConnectionContext create(
            WebSocketSinkSettings settings,
            Broker broker,
            Hub hub,
            Executor catchUpExecutor,
            ConnectionRegistry registry,
            SinkMetrics metrics,
            Webhooks webhooks) {
        PusherCodec codec = new PusherCodec();
        ChannelNames names = new ChannelNames(settings.channel(), settings.windowsMs());
        Broadcaster broadcaster =
                new Broadcaster(
                        hub,
                        names,
                        codec,
                        UpdateCodec.withDefaults(),
                        settings.event(),
                        metrics,
                        Broadcaster.updateStreams(settings.streamPrefix(), settings.windowsMs()),
                        settings.eventsStream(),
                        registry::terminate);
        broker.subscribe(broadcaster.streams(), broadcaster);
        CatchUp catchUp =
                new CatchUp(
                        broker,
                        broadcaster,
                        settings.streamPrefix(),
                        (int) Math.min(Integer.MAX_VALUE, settings.streamMaxLen()));
        ClusterChannels cluster =
                new ClusterChannels(
                        broker.cluster(),
                        broker,
                        settings.eventsStream(),
                        webhooks,
                        settings.apps(),
                        codec,
                        settings.cacheTtl(),
                        metrics);
        return new ConnectionContext(
                settings, codec, names, hub, catchUp, catchUpExecutor, registry, metrics, cluster);
    }
}
