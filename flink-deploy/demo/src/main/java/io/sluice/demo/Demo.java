package io.sluice.demo;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.deploy.LocalJob;
import io.sluice.local.Net;
import io.sluice.reading.ReadingCodec;
import io.sluice.simulator.Simulator;
import io.sluice.simulator.SimulatorSettings;
import io.sluice.websocket.WebSocketSink;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * The whole pipeline in this process: {@link LocalJob} (the embedded Kafka, PostgreSQL and Redis,
 * and the job on a MiniCluster with Flink's web UI), then websocket-sink with its dashboard and
 * history API, then the simulator on a thread of its own.
 *
 * <p>Any service given a real address is used instead of its embedded one. Close stops them in the
 * reverse order (the simulator first, so nothing new comes in; then the push service, whose clients
 * get 4200; then the job and the services) and leaves no files behind: everything the run writes is
 * in LocalJob's run folder, which it deletes.
 */
public final class Demo implements AutoCloseable {
    private final SluiceConfig config;
    private LocalJob local;
    private WebSocketSink sink;
    private Simulator simulator;
    private Thread simulatorThread;
    private final AtomicBoolean stopSimulator = new AtomicBoolean();
    private final CompletableFuture<Throwable> simulatorEnded = new CompletableFuture<>();
    private SluiceConfig resolved;
    private boolean closed;

    public Demo(SluiceConfig config) {
        this.config = requireNonNull(config, "config");
    }

    /** Starts every part; on failure, closes what it started and throws. */
    public synchronized Demo start() throws Exception {
        try {
            int port = config.getInt(ConfigKeys.WEBSOCKET_PORT);
            if (port != 0) { // before the slow parts start
                Net.requireFree(
                        "websocket-sink",
                        config.get(ConfigKeys.WEBSOCKET_HOST),
                        port,
                        "choose another with --port");
            }
            local = LocalJob.start(config);
            SluiceConfig r = config;
            for (Map.Entry<String, String> a : local.addresses().entrySet()) {
                if (r.has(a.getKey())) {
                    r = r.with(a.getKey(), a.getValue(), "the demo's services");
                }
            }
            resolved = r;

            sink = WebSocketSink.fromConfig(resolved);
            sink.start();

            SimulatorSettings settings = SimulatorSettings.fromConfig(resolved, Clock.systemUTC());
            // The demo prints its own progress line: the simulator's goes nowhere.
            simulator =
                    new Simulator(
                            settings,
                            ReadingCodec.fromConfig(resolved),
                            new PrintWriter(OutputStream.nullOutputStream()));
            simulatorThread =
                    new Thread(
                            () -> {
                                try {
                                    simulator.run(stopSimulator);
                                    simulatorEnded.complete(null);
                                } catch (Throwable t) {
                                    simulatorEnded.complete(t);
                                }
                            },
                            "demo-simulator");
            simulatorThread.setDaemon(true);
            simulatorThread.start();
            return this;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The configuration with the services' real addresses. */
    public synchronized SluiceConfig resolved() {
        return resolved;
    }

    /** The URL of the dashboard (and of websocket-sink's other routes). */
    public synchronized String dashboardUrl() {
        return "http://localhost:" + sink.port() + "/";
    }

    /** The pusher-js URL of the WebSocket endpoint. */
    public synchronized String webSocketUrl() {
        return "ws://localhost:" + sink.port() + "/app/" + sink.settings().appKey() + "?protocol=7";
    }

    public synchronized String flinkUiUrl() {
        return local.addresses().get("flink.web.ui");
    }

    public synchronized WebSocketSink sink() {
        return sink;
    }

    /** Readings the simulator has sent. */
    public long readingsSent() {
        Simulator s = simulator;
        return s == null ? 0 : s.sent();
    }

    /**
     * Completes when the simulator stops: with null when it was asked to, else with its failure.
     */
    public CompletableFuture<Throwable> simulatorEnded() {
        return simulatorEnded;
    }

    /** Completes when the job ends on its own (it never should). */
    public CompletableFuture<?> jobEnded() {
        return local.jobResult();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopSimulator.set(true);
        if (simulatorThread != null) {
            try {
                simulatorThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sink != null) {
            try {
                sink.stop();
            } catch (Exception e) {
                System.err.println("demo: stopping websocket-sink: " + e);
            }
        }
        if (local != null) {
            local.close();
        }
    }
}
