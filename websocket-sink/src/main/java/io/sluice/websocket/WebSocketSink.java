package io.sluice.websocket;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.websocket.broker.Broker;
import io.sluice.websocket.broker.StreamPosition;
import io.sluice.websocket.channel.Broadcaster;
import io.sluice.websocket.channel.FanoutLanes;
import io.sluice.websocket.channel.Hub;
import io.sluice.websocket.connection.ConnectionContext;
import io.sluice.websocket.connection.ConnectionRegistry;
import io.sluice.websocket.connection.PusherUpgrade;
import io.sluice.websocket.history.HistoryDataSource;
import io.sluice.websocket.history.HistoryHandler;
import io.sluice.websocket.history.HistoryRepository;
import io.sluice.websocket.history.HistorySettings;
import io.sluice.websocket.http.ApiRequests;
import io.sluice.websocket.http.ChannelsHandler;
import io.sluice.websocket.http.DashboardHandler;
import io.sluice.websocket.http.EventsHandler;
import io.sluice.websocket.http.HealthHandler;
import io.sluice.websocket.http.MetricsHandler;
import io.sluice.websocket.http.UsersHandler;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.stream.RedisBroker;
import io.sluice.websocket.webhook.WebhookSender;

import com.zaxxer.hikari.HikariDataSource;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The push service: one Jetty server whose handler tree is the WebSocket upgrade on /app/{key}
 * wrapping the HTTP routes (/health, /metrics, the Pusher HTTP API, and whatever {@link #route}
 * adds), fed by one broker.
 *
 * <p>Every part is made here and is a bean of the server: the broker (Redis: its pool and its
 * stream reader), the catch-up threads, the activity check's scheduler, the connection registry,
 * the history API's pool. Starting the service starts the server, which starts them in that order
 * and opens its connectors last. Stopping it first shuts the registry down gracefully: every client
 * gets 4200 (reconnect at once, elsewhere), and the stop waits a while for them to go; then the
 * server closes its connectors and stops the parts in reverse order. A service is started once.
 */
public final class WebSocketSink extends ContainerLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSink.class);

    /** How long a stop waits for the clients to go after their 4200. */
    static final long SHUTDOWN_WAIT_MS = 2000;

    /** Where the history API is mounted. */
    public static final String HISTORY_PATH = "/api/history";

    private final WebSocketSinkSettings settings;
    private final SinkMetrics metrics = new SinkMetrics();
    private final FanoutLanes lanes;
    private final Hub hub;
    private final Broker broker;
    private final ConnectionRegistry registry;
    private final Server server;
    private final ServerConnector connector;
    private final PathMappingsHandler paths = new PathMappingsHandler();
    private final WebhookSender webhooks;
    private final ConnectionContext ctx;

    /** The push service on the Redis of {@code redis.url}. */
    public WebSocketSink(WebSocketSinkSettings settings) {
        this(settings, redisBroker(settings), null, false);
    }

    /** The push service on a broker of the caller's (a {@code MemoryBroker} in tests). */
    public WebSocketSink(WebSocketSinkSettings settings, Broker broker) {
        this(settings, broker, null, false);
    }

    private WebSocketSink(
            WebSocketSinkSettings settings,
            Broker broker,
            HistorySettings history,
            boolean dashboard) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.broker = Objects.requireNonNull(broker, "broker");
        lanes = new FanoutLanes(settings.fanoutThreads());
        hub = new Hub(lanes);
        // A fixed pool with a FIFO queue, as a LifeCycle: stopping it shuts the executor down.
        ExecutorThreadPool catchUpThreads =
                new ExecutorThreadPool(settings.catchUpThreads(), settings.catchUpThreads());
        catchUpThreads.setName("catch-up");
        catchUpThreads.setDaemon(true);
        catchUpThreads.setReservedThreads(0);
        ScheduledExecutorScheduler activityCheck =
                new ScheduledExecutorScheduler("activity-check", true);
        registry = new ConnectionRegistry(settings.maxConnections(), activityCheck);
        webhooks =
                new WebhookSender(
                        settings.webhookQueueMax(),
                        settings.webhookBatch(),
                        settings.webhookRetries(),
                        settings.webhookTimeout(),
                        metrics);
        ctx =
                ConnectionContext.create(
                        settings, broker, hub, catchUpThreads, registry, metrics, webhooks);

        server =
                new Server(
                        new QueuedThreadPool(settings.maxThreads(), settings.minThreads(), 60_000));
        connector = new ServerConnector(server);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);

        // The parts, in start order; the server stops them in reverse, after its connectors. The
        // webhooks go first, so they still send what the broker's cluster state reports on its
        // stop.
        server.addBean(webhooks, true);
        server.addBean(lanes, true); // before the broker, whose reader publishes onto them
        server.addBean(broker, true);
        server.addBean(catchUpThreads, true);
        server.addBean(activityCheck, true);
        server.addBean(registry, true);

        ApiRequests apiRequests =
                new ApiRequests(settings.apps(), metrics, () -> System.currentTimeMillis() / 1000);
        paths.addMapping(PathSpec.from("/health"), new HealthHandler(broker, registry::size));
        paths.addMapping(PathSpec.from("/metrics"), new MetricsHandler(metrics));
        paths.addMapping(
                PathSpec.from("/apps/*"),
                new Handler.Sequence(
                        new EventsHandler(apiRequests, ctx.cluster(), metrics),
                        new ChannelsHandler(apiRequests, ctx.cluster()),
                        new UsersHandler(apiRequests, ctx.cluster())));
        if (history != null) {
            HikariDataSource pool = HistoryDataSource.create(history);
            server.addBean(new ClosedOnStop(pool), true);
            route(HISTORY_PATH, new HistoryHandler(new HistoryRepository(pool), history));
        }
        if (dashboard) {
            route("/", new DashboardHandler(settings, history != null ? HISTORY_PATH : null));
        }

        Duration idle =
                Duration.ofSeconds(settings.activityTimeoutSeconds())
                        .plus(settings.pongTimeout())
                        .plusSeconds(30);
        // A context, so the routes see paths in context (PathMappingsHandler needs one).
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrade =
                new WebSocketUpgradeHandler(
                        WebSocketServerComponents.ensureWebSocketComponents(server, context));
        upgrade.getConfiguration().setMaxTextMessageSize(settings.maxMessageBytes());
        upgrade.getConfiguration().setMaxBinaryMessageSize(settings.maxMessageBytes());
        upgrade.getConfiguration().setIdleTimeout(idle);
        upgrade.addMapping(PusherUpgrade.PATH, new PusherUpgrade(ctx));
        upgrade.setHandler(cors(settings, paths));
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
                () -> broker.isConnected() ? 1 : 0);
        Broadcaster.updateStreams(settings.streamPrefix(), settings.windowsMs())
                .keySet()
                .forEach(
                        stream ->
                                metrics.streamGauge(
                                        "sluice.websocket.stream.lag.ms",
                                        "how far the reader is behind the stream's newest entry",
                                        stream,
                                        () -> lagMs(stream)));
        addManaged(server);
    }

    /** The routes behind Soketi's server.cors: browsers of these origins may call the HTTP API. */
    private static Handler cors(WebSocketSinkSettings settings, Handler routes) {
        if (settings.corsOrigins().isEmpty()) {
            return routes;
        }
        CrossOriginHandler cors = new CrossOriginHandler();
        cors.setAllowedOriginPatterns(
                settings.corsOrigins().contains("*")
                        ? Set.of("*")
                        : settings.corsOrigins().stream()
                                .map(o -> Pattern.quote(o))
                                .collect(java.util.stream.Collectors.toSet()));
        cors.setAllowedMethods(Set.of("GET", "POST", "OPTIONS"));
        cors.setAllowedHeaders(Set.of("Content-Type", "Authorization", "X-Requested-With"));
        cors.setHandler(routes);
        return cors;
    }

    private static Broker redisBroker(WebSocketSinkSettings settings) {
        return new RedisBroker(
                settings.redisUrl(),
                settings.redisCluster(),
                settings.latestPrefix(),
                settings.streamMaxLen(),
                settings.redisPoolSize(),
                settings.readBlock(),
                settings.readCount(),
                settings.clusterPrefix(),
                settings.instanceTimeout());
    }

    /**
     * The service as a program runs it: the push service, the operators' dashboard at {@code /},
     * plus the history API at {@value #HISTORY_PATH} when {@code jdbc.url} names a database (its
     * pool a bean of the server, closed on stop).
     */
    public static WebSocketSink fromConfig(SluiceConfig config) {
        WebSocketSinkSettings settings = WebSocketSinkSettings.fromConfig(config);
        HistorySettings history =
                config.get(ConfigKeys.JDBC_URL).startsWith("jdbc:")
                        ? HistorySettings.from(config)
                        : null;
        return new WebSocketSink(settings, redisBroker(settings), history, true);
    }

    /**
     * Adds an HTTP route before start, like {@code /api/history} or {@code /}; path specs as
     * Jetty's.
     */
    public WebSocketSink route(String pathSpec, Handler handler) {
        if (isStarted() || isStarting()) {
            throw new IllegalStateException("add routes before start");
        }
        paths.addMapping(PathSpec.from(pathSpec), handler);
        return this;
    }

    /**
     * The graceful part, before the server stops. Not the server's own stop timeout: with one, a
     * client that never answers its close (or an idle HTTP keep-alive connection) would fail the
     * stop; here it is dropped when the connectors close, as after any wait.
     */
    @Override
    protected void doStop() throws Exception {
        try {
            registry.shutdown().get(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info(
                    "{} connections still open {} ms after the 4200 close; dropping them",
                    registry.size(),
                    SHUTDOWN_WAIT_MS);
        }
        super.doStop();
    }

    /**
     * Milliseconds between the stream's newest entry and the last one read; NaN when Redis is away.
     */
    private double lagMs(String stream) {
        try {
            StreamPosition newest = broker.last(stream);
            if (newest == null) {
                return 0;
            }
            return Math.max(0, newest.ms() - broker.delivered(stream).ms());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The port it listens on (the real one when websocket.port is 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public SinkMetrics metrics() {
        return metrics;
    }

    public Hub hub() {
        return hub;
    }

    public Broker broker() {
        return broker;
    }

    public int connections() {
        return registry.size();
    }

    public WebSocketSinkSettings settings() {
        return settings;
    }
}
