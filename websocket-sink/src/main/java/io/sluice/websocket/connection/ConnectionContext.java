package io.sluice.websocket.connection;

import io.sluice.websocket.WebSocketSinkSettings;
import io.sluice.websocket.channel.CatchUp;
import io.sluice.websocket.channel.ChannelNames;
import io.sluice.websocket.channel.Hub;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.protocol.PusherCodec;
import io.sluice.websocket.protocol.Signatures;

import java.util.concurrent.Executor;

/**
 * What every connection shares: settings, codec, channel rules, the hub, the catch-up of new
 * subscriptions (run on {@code catchUpExecutor}, off Jetty's I/O threads), and the registry.
 */
public record ConnectionContext(
        WebSocketSinkSettings settings,
        PusherCodec codec,
        ChannelNames names,
        Hub hub,
        Signatures signatures,
        CatchUp catchUp,
        Executor catchUpExecutor,
        ConnectionRegistry registry,
        SinkMetrics metrics) {}
