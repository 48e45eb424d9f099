package io.sluice.websocket.connection;

import io.sluice.config.SluiceConfig;
import io.sluice.websocket.WebSocketSinkSettings;
import io.sluice.websocket.broker.Broker;
import io.sluice.websocket.channel.Hub;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.webhook.Webhooks;

import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/** The connections' shared context on a broker of the test's, without a server. */
final class TestContexts {
    private TestContexts() {}

    /** The default settings with keys overridden; the Redis address is never contacted. */
    static WebSocketSinkSettings settings(Map<String, String> overrides) {
        Map<String, String> flags = new HashMap<>(overrides);
        flags.putIfAbsent("redis.url", "redis://127.0.0.1:1");
        return WebSocketSinkSettings.fromConfig(SluiceConfig.load(Map.of(), flags));
    }

    /** A context whose catch-ups run on {@code catchUps}; its registry is never started. */
    static ConnectionContext create(
            WebSocketSinkSettings settings,
            Broker broker,
            Hub hub,
            Executor catchUps,
            SinkMetrics metrics) {
        return ConnectionContext.create(
                settings,
                broker,
                hub,
                catchUps,
                new ConnectionRegistry(settings.maxConnections(), new ScheduledExecutorScheduler()),
                metrics,
                Webhooks.NONE);
    }
}
