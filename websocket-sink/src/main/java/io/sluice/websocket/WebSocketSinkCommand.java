package io.sluice.websocket;

import io.sluice.config.ConfigCommandLine;
import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * websocket-sink's command line: runs the service until it is stopped (Ctrl-C or SIGTERM), then
 * closes every client with 4200 so they reconnect to another instance. Each flag stands for one
 * configuration key.
 */
@Command(
        name = "websocket-sink",
        mixinStandardHelpOptions = true,
        version = "sluice-websocket-sink 0.1",
        sortOptions = false,
        description = "Pushes the job's live updates from Redis to Pusher-protocol clients.",
        footer =
                "Every flag can also be set in conf/sluice.properties or as an environment variable (SLUICE_WEBSOCKET_PORT, ...).")
public final class WebSocketSinkCommand implements Callable<Integer> {
    @Option(
            names = "--host",
            descriptionKey = ConfigKeys.WEBSOCKET_HOST,
            description = "Interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            descriptionKey = ConfigKeys.WEBSOCKET_PORT,
            description = "Port (default: ${DEFAULT-VALUE}).")
    String port;

    @Option(
            names = "--redis-url",
            descriptionKey = ConfigKeys.REDIS_URL,
            paramLabel = "redis://HOST:PORT",
            description = "Redis the job writes to (default: ${DEFAULT-VALUE}).")
    String redisUrl;

    @Option(
            names = "--jdbc-url",
            descriptionKey = ConfigKeys.JDBC_URL,
            paramLabel = "jdbc:postgresql://...",
            description =
                    "The job's PostgreSQL; a jdbc: URL turns the history API on (default: ${DEFAULT-VALUE}: off).")
    String jdbcUrl;

    @Option(
            names = "--app-id",
            descriptionKey = ConfigKeys.PUSHER_APP_ID,
            description = "Pusher app id (default: ${DEFAULT-VALUE}).")
    String appId;

    @Option(
            names = "--app-key",
            descriptionKey = ConfigKeys.PUSHER_APP_KEY,
            description = "Pusher app key (default: ${DEFAULT-VALUE}).")
    String appKey;

    @Option(
            names = "--app-secret",
            descriptionKey = ConfigKeys.PUSHER_APP_SECRET,
            description = "Pusher app secret.")
    String appSecret;

    @Option(
            names = "--allowed-origins",
            descriptionKey = ConfigKeys.WEBSOCKET_ALLOWED_ORIGINS,
            paramLabel = "ORIGIN,...",
            description = "Origins allowed to connect (default: any).")
    String allowedOrigins;

    @Option(
            names = "--max-connections",
            descriptionKey = ConfigKeys.WEBSOCKET_MAX_CONNECTIONS,
            description = "Most connections at once (default: ${DEFAULT-VALUE}).")
    String maxConnections;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final SluiceConfig defaults;

    WebSocketSinkCommand(SluiceConfig defaults) {
        this.defaults = defaults;
    }

    /**
     * Logging configuration in this jar: INFO for Sluice, warnings for the libraries, on stderr.
     */
    static final String LOG_CONFIG = "io/sluice/websocket/websocket-sink-log4j2.properties";

    public static void main(String[] args) {
        // Before the first logger exists, unless the user names a configuration of their own.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
        int code =
                execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command line; returns the exit code: 0 stopped, 1 failed, 2 bad usage. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return ConfigCommandLine.execute(
                "websocket-sink", WebSocketSinkCommand::new, args, out, err);
    }

    @Override
    public Integer call() throws Exception {
        WebSocketSink sink = WebSocketSink.fromConfig(ConfigCommandLine.withFlags(defaults, spec));
        WebSocketSinkSettings settings = sink.settings();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        sink.stop();
                                    } catch (Exception e) {
                                        // the JVM is going anyway
                                    }
                                    stopped.countDown();
                                },
                                "websocket-sink-shutdown"));
        try {
            sink.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "websocket-sink: ws://%s:%d/app/%s, HTTP API /apps/%s/events, /health, /metrics; Redis %s%n",
                settings.host(),
                sink.port(),
                settings.appKey(),
                settings.appId(),
                settings.redisUrl());
        stopped.await();
        return 0;
    }
}
