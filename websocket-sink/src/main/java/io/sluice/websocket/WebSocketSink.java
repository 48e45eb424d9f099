package io.sluice.websocket;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.update.UpdateCodec;
import io.sluice.update.UpdateKeys;
import io.sluice.websocket.channel.Broadcaster;
import io.sluice.websocket.channel.CatchUp;
import io.sluice.websocket.channel.ChannelNames;
import io.sluice.websocket.channel.Hub;
import io.sluice.websocket.connection.ConnectionContext;
import io.sluice.websocket.connection.ConnectionRegistry;
import io.sluice.websocket.connection.PusherUpgrade;
import io.sluice.websocket.history.HistoryDataSource;
import io.sluice.websocket.history.HistoryHandler;
import io.sluice.websocket.history.HistoryRepository;
import io.sluice.websocket.history.HistorySettings;
import io.sluice.websocket.http.DashboardHandler;
import io.sluice.websocket.http.EventsHandler;
import io.sluice.websocket.http.HealthHandler;
import io.sluice.websocket.http.MetricsHandler;
import io.sluice.websocket.http.RequestSignature;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.protocol.CloseCodes;
import io.sluice.websocket.protocol.PusherCodec;
import io.sluice.websocket.protocol.Signatures;
import io.sluice.websocket.stream.RedisStore;
import io.sluice.websocket.stream.StreamReader;

import com.zaxxer.hikari.HikariDataSource;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import redis.clients.jedis.StreamEntryID;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The push service: one Jetty server whose handler tree is the WebSocket upgrade on /app/{key}
 * wrapping the HTTP routes (/health, /metrics, the Pusher HTTP API, and whatever {@link #route}
 * adds), fed by one stream reader. Starting it starts the registry, the reader, then the server;
 * stopping it first closes every client with 4200 (reconnect at once, elsewhere).
 */
public final class WebSocketSink extends ContainerLifeCycle {
    private static final long SHUTDOWN_WAIT_MS = 2000;

    /** Where the history API is mounted. */
    public static final String HISTORY_PATH = "/api/history";

    private final WebSocketSinkSettings settings;
    private final SinkMetrics metrics = new SinkMetrics();
    private final Hub hub = new Hub();
    private final Map<String, Handler> routes = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ConnectionRegistry registry;
    private RedisStore store;
    private StreamReader reader;
    private Server server;
    private ExecutorService catchUpExecutor;

    public WebSocketSink(WebSocketSinkSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * The service as a program runs it: the push service, the operators' dashboard at {@code /},
     * plus the history API at {@value #HISTORY_PATH} when {@code jdbc.url} names a database (a pool
     * closed on stop).
     */
    public static WebSocketSink fromConfig(SluiceConfig config) {
        WebSocketSink sink = new WebSocketSink(WebSocketSinkSettings.fromConfig(config));
        boolean withHistory = config.get(ConfigKeys.JDBC_URL).startsWith("jdbc:");
        if (withHistory) {
            HistorySettings history = HistorySettings.from(config);
            HikariDataSource pool = HistoryDataSource.create(history);
            sink.route(HISTORY_PATH, new HistoryHandler(new HistoryRepository(pool), history));
            sink.closeOnStop(pool);
        }
        sink.route("/", new DashboardHandler(sink.settings(), withHistory ? HISTORY_PATH : null));
        return sink;
    }

    /** Closes a resource (a pool) when the service stops, after the server. */
    public WebSocketSink closeOnStop(AutoCloseable resource) {
        closeables.add(Objects.requireNonNull(resource, "resource"));
        return this;
    }

    /**
     * Adds an HTTP route before start, like {@code /api/history} or {@code /}; path specs as
     * Jetty's.
     */
    public WebSocketSink route(String pathSpec, Handler handler) {
        if (isStarted() || isStarting()) {
            throw new IllegalStateException("add routes before start");
        }
        routes.put(pathSpec, handler);
        return this;
    }

    @Override
    protected void doStart() throws Exception {
        PusherCodec codec = new PusherCodec();
        ChannelNames names = new ChannelNames(settings.channel(), settings.windowsMs());
        Signatures signatures = new Signatures(settings.appSecret());
        UpdateCodec updates = UpdateCodec.withDefaults();
        Broadcaster broadcaster =
                new Broadcaster(hub, names, codec, updates, settings.event(), metrics);

        store =
                new RedisStore(
                        settings.redisUrl(), settings.latestPrefix(), settings.streamMaxLen());
        Map<String, Long> streams = new LinkedHashMap<>();
        for (long w : settings.windowsMs()) {
            streams.put(UpdateKeys.streamKey(settings.streamPrefix(), w), w);
        }
        reader =
                new StreamReader(
                        settings.redisUrl(),
                        streams,
                        settings.eventsStream(),
                        settings.readBlock(),
                        settings.readCount(),
                        broadcaster);
        registry = new ConnectionRegistry(settings.maxConnections());
        catchUpExecutor =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "catch-up");
                            t.setDaemon(true);
                            return t;
                        });
        CatchUp catchUp =
                new CatchUp(
                        store,
                        broadcaster,
                        settings.streamPrefix(),
                        (int) Math.min(Integer.MAX_VALUE, settings.streamMaxLen()));
        ConnectionContext ctx =
                new ConnectionContext(
                        settings,
                        codec,
                        names,
                        hub,
                        signatures,
                        catchUp,
                        catchUpExecutor,
                        registry,
                        metrics);

        server = new Server(new QueuedThreadPool(200, 8, 60_000));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);

        PathMappingsHandler paths = new PathMappingsHandler();
        paths.addMapping(
                PathSpec.from("/health"), new HealthHandler(store, reader, registry::size));
        paths.addMapping(PathSpec.from("/metrics"), new MetricsHandler(metrics));
        paths.addMapping(
                PathSpec.from("/apps/*"),
                new EventsHandler(
                        settings.appId(),
                        new RequestSignature(settings.appKey(), signatures),
                        store,
                        settings.eventsStream(),
                        metrics,
                        () -> System.currentTimeMillis() / 1000));
        routes.forEach((spec, handler) -> paths.addMapping(PathSpec.from(spec), handler));

        Duration idle =
                Duration.ofSeconds(settings.activityTimeoutSeconds())
                        .plus(settings.pongTimeout())
                        .plusSeconds(30);
        // A context, so the routes see paths in context (PathMappingsHandler needs one).
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrade =
                WebSocketUpgradeHandler.from(
                        server,
                        context,
                        container -> {
                            container.setMaxTextMessageSize(settings.maxMessageBytes());
                            container.setMaxBinaryMessageSize(settings.maxMessageBytes());
                            container.setIdleTimeout(idle);
                            container.addMapping(PusherUpgrade.PATH, new PusherUpgrade(ctx));
                        });
        upgrade.setHandler(paths);
        context.setHandler(upgrade);
        server.setHandler(context);

        metrics.gauge("sluice.websocket.connections", "open connections", registry::size);
        metrics.gauge(
                "sluice.websocket.subscriptions",
                "subscriptions across channels",
                hub::subscriptions);
        metrics.gauge(
                "sluice.websocket.redis.up",
                "1 when Redis answers the stream reader",
                () -> reader.isConnected() ? 1 : 0);
        streams.keySet()
                .forEach(
                        stream ->
                                metrics.streamGauge(
                                        "sluice.websocket.stream.lag.ms",
                                        "how far the reader is behind the stream's newest entry",
                                        stream,
                                        () -> lagMs(stream)));

        addManaged(registry);
        addManaged(reader);
        addManaged(server);
        super.doStart();
    }

    /**
     * Milliseconds between the stream's newest entry and the last one read; NaN when Redis is away.
     */
    private double lagMs(String stream) {
        try {
            StreamEntryID newest = store.lastId(stream);
            if (newest == null) {
                return 0;
            }
            return Math.max(0, newest.getTime() - reader.position(stream).getTime());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    protected void doStop() throws Exception {
        registry.closeAll(CloseCodes.RECONNECT_NOW, "Server shutting down", SHUTDOWN_WAIT_MS);
        super.doStop();
        catchUpExecutor.shutdownNow();
        store.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
        removeBean(server);
        removeBean(reader);
        removeBean(registry);
    }

    /** The port it listens on (the real one when websocket.port is 0). */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public SinkMetrics metrics() {
        return metrics;
    }

    public Hub hub() {
        return hub;
    }

    public int connections() {
        return registry.size();
    }

    public WebSocketSinkSettings settings() {
        return settings;
    }
}
