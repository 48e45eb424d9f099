package io.sluice.demo;

import io.sluice.config.ConfigCommandLine;
import io.sluice.config.ConfigException;
import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.local.ServiceStartException;

import org.apache.flink.util.ExceptionUtils;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./sluice-demo}: starts the whole pipeline, prints its URLs and a progress line a second,
 * and runs until Ctrl-C, then stops every part. Each flag stands for one configuration key.
 */
@Command(
        name = "sluice-demo",
        mixinStandardHelpOptions = true,
        version = "sluice-demo 0.1",
        sortOptions = false,
        description =
                "Runs Kafka, PostgreSQL, Redis, the Flink job, websocket-sink and the simulator on this machine.",
        footer =
                "A service given a real address (--kafka, --jdbc-url, --redis-url) is used instead of the embedded one.")
public final class DemoCommand implements Callable<Integer> {
    /** Tags the demo simulates unless told otherwise: 2,000 tags at 10 readings/s each. */
    static final String DEMO_TAGS = "2000";

    @Option(
            names = "--tags",
            descriptionKey = ConfigKeys.SIMULATOR_TAGS,
            description = "Tags to simulate (default: " + DEMO_TAGS + ").")
    String tags;

    @Option(
            names = "--interval-ms",
            descriptionKey = ConfigKeys.SIMULATOR_INTERVAL_MS,
            description = "Milliseconds between two readings of a tag (default: ${DEFAULT-VALUE}).")
    String intervalMs;

    @Option(
            names = "--rate",
            descriptionKey = ConfigKeys.SIMULATOR_RATE,
            paramLabel = "N|realtime|max",
            description =
                    "Readings per second in all (default: ${DEFAULT-VALUE}: as the tags and interval give).")
    String rate;

    @Option(
            names = "--port",
            descriptionKey = ConfigKeys.WEBSOCKET_PORT,
            description =
                    "Port of the dashboard and WebSocket endpoint (default: ${DEFAULT-VALUE}).")
    String port;

    @Option(
            names = "--flink-ui-port",
            descriptionKey = ConfigKeys.LOCAL_FLINK_REST_PORT,
            description = "Port of Flink's web UI (default: ${DEFAULT-VALUE}).")
    String flinkUiPort;

    @Option(
            names = "--kafka",
            descriptionKey = ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
            paramLabel = "HOST:PORT",
            description = "Kafka (default: ${DEFAULT-VALUE}).")
    String kafka;

    @Option(
            names = "--jdbc-url",
            descriptionKey = ConfigKeys.JDBC_URL,
            description = "PostgreSQL (default: ${DEFAULT-VALUE}).")
    String jdbcUrl;

    @Option(
            names = "--redis-url",
            descriptionKey = ConfigKeys.REDIS_URL,
            description = "Redis (default: ${DEFAULT-VALUE}).")
    String redisUrl;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final SluiceConfig defaults;

    DemoCommand(SluiceConfig defaults) {
        this.defaults = defaults;
    }

    /** Logging configuration in this jar: warnings only, on standard error. */
    static final String LOG_CONFIG = "io/sluice/demo/demo-log4j2.properties";

    public static void main(String[] args) {
        System.exit(ConfigCommandLine.main("sluice-demo", LOG_CONFIG, DemoCommand::new, args));
    }

    @Override
    public Integer call() throws Exception {
        // Any configuration key is a flag too (ConfigCommandLine adds them):
        // --job.window.sizes=1s,1m.
        SluiceConfig config = ConfigCommandLine.withFlags(withDemoDefaults(defaults), spec);
        return run(config, System.out, System.err);
    }

    /** The demo's own defaults, where the configuration leaves the file's. */
    static SluiceConfig withDemoDefaults(SluiceConfig config) {
        return config.sourceOf(ConfigKeys.SIMULATOR_TAGS).equals("the defaults")
                ? config.with(ConfigKeys.SIMULATOR_TAGS, DEMO_TAGS, "the demo's default")
                : config;
    }

    /** Starts, reports, runs until Ctrl-C or a part fails, stops; returns the exit status. */
    static int run(SluiceConfig config, PrintStream out, PrintStream err) {
        Demo demo = new Demo(config);
        AtomicBoolean signalled = new AtomicBoolean();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Thread hook =
                new Thread(
                        () -> {
                            signalled.set(true);
                            out.println("sluice-demo: stopping ...");
                            demo.close();
                            out.println("sluice-demo: stopped");
                            out.flush();
                            stopped.complete(null);
                        },
                        "demo-stopper");
        Runtime.getRuntime().addShutdownHook(hook);
        long begin = System.nanoTime();
        try {
            out.println(
                    "sluice-demo: starting Kafka, PostgreSQL, Redis, the Flink job, websocket-sink and the simulator ...");
            demo.start();
            out.printf(
                    "sluice-demo: ready in %.1f s; %s tags, a reading every %s ms each%n",
                    (System.nanoTime() - begin) / 1e9,
                    demo.resolved().get(ConfigKeys.SIMULATOR_TAGS),
                    demo.resolved().get(ConfigKeys.SIMULATOR_INTERVAL_MS));
            out.println("  Dashboard:   " + demo.dashboardUrl());
            out.println("  Flink UI:    " + demo.flinkUiUrl());
            out.println("  Metrics:     " + demo.dashboardUrl() + "metrics");
            out.println(
                    "  History API: "
                            + demo.dashboardUrl()
                            + "api/history?prefix=plant1.area01&window=1s");
            out.println("  WebSocket:   " + demo.webSocketUrl());
            out.println(
                    "  Database:    "
                            + demo.resolved().get(ConfigKeys.JDBC_URL)
                            + " (notebooks/run-notebooks.sh takes it)");
            out.println("Ctrl-C stops it.");
            try (DemoProgress progress = new DemoProgress(demo, out)) {
                progress.start();
                // A simulator that finishes its count or duration leaves the rest running; a
                // failure ends the demo.
                CompletableFuture<Object> simulatorFailed =
                        demo.simulatorEnded()
                                .thenCompose(
                                        t ->
                                                t == null
                                                        ? new CompletableFuture<>()
                                                        : CompletableFuture.completedFuture(t));
                Object ended =
                        CompletableFuture.anyOf(simulatorFailed, demo.jobEnded())
                                .handle((v, e) -> e != null ? e : v)
                                .get();
                if (signalled.get()) {
                    stopped.get();
                    return 0;
                }
                err.println(
                        "sluice-demo: a part ended: "
                                + (ended instanceof Throwable t
                                        ? ExceptionUtils.stripExecutionException(t)
                                        : "the simulator or job finished"));
                return 1;
            }
        } catch (ServiceStartException | ConfigException e) {
            err.println("sluice-demo: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            if (!signalled.get()) {
                err.println("sluice-demo: " + ExceptionUtils.stripExecutionException(e));
            }
            return 1;
        } finally {
            demo.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running; it closes everything
            }
        }
    }
}
