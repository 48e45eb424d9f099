package io.sluice.bench;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Issue 5's demo figures: the time from starting the demo to the first live update a dashboard
 * client receives, and the demo's steady CPU and memory at its default rate (2,000 tags at ten
 * readings a second). Baseline in the same run: the three embedded services alone (Kafka,
 * PostgreSQL, Redis in a JVM of their own, LocalServicesMain), their start-up time and their idle
 * CPU and memory.
 *
 * <pre>bench/demo-figures.sh [--rounds 3] [--warmup-s 30] [--steady-s 60]</pre>
 */
public final class DemoBench {
    private static final String DEMO_MAIN = "io.sluice.demo.DemoCommand";

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int warmupSeconds = 30;
        int steadySeconds = 60;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-s" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--steady-s" -> steadySeconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String classpath =
                "flink-deploy/demo/target/classes:"
                        + Files.readString(Path.of("flink-deploy/demo/target/classpath.txt"))
                                .trim();
        List<double[]> demo = new ArrayList<>();
        List<double[]> base = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            double[] b = baseline(steadySeconds);
            double[] d = demo(classpath, warmupSeconds, steadySeconds);
            System.out.printf(
                    "round %d   demo: ready %.1f s, first update %.1f s, CPU %.2f cores, RSS %,d MB, heap after GC %,d MB, stop %.1f s"
                            + " | services alone: ready %.1f s, CPU %.2f cores, RSS %,d MB%n",
                    r, d[0], d[1], d[2], (long) d[3], (long) d[4], d[5], b[0], b[1], (long) b[2]);
            demo.add(d);
            base.add(b);
        }
        double firstUpdate = median(demo, 1);
        double servicesReady = median(base, 0);
        double cpu = median(demo, 2);
        double baseCpu = median(base, 1);
        double rss = median(demo, 3);
        double baseRss = median(base, 2);
        System.out.printf(
                "median   demo: first live update    %6.1f s after the command  (ready line at %.1f s)%n",
                firstUpdate, median(demo, 0));
        System.out.printf(
                "median   services alone: ready       %6.1f s  (baseline: Kafka, PostgreSQL, Redis embedded, no job)%n",
                servicesReady);
        System.out.printf(
                "ratio    first update / services ready %4.2f%n", firstUpdate / servicesReady);
        System.out.printf(
                "median   demo: steady CPU            %6.2f cores  (20,000 readings/s; 2 cores here)%n",
                cpu);
        System.out.printf(
                "median   demo: RSS %,6.0f MB, heap after GC %,5.0f MB%n", rss, median(demo, 4));
        System.out.printf(
                "median   services alone, idle: CPU   %6.2f cores, RSS %,6.0f MB%n",
                baseCpu, baseRss);
        System.out.printf(
                "ratio    demo / services idle: CPU %.1f, RSS %.1f%n",
                cpu / baseCpu, rss / baseRss);
        System.out.printf("median   demo: stop after Ctrl-C     %6.1f s%n", median(demo, 5));
    }

    /** {ready s, idle CPU cores, RSS MB} of the embedded services alone. */
    private static double[] baseline(int steadySeconds) throws Exception {
        long t0 = System.nanoTime();
        try (ServicesProcess services = ServicesProcess.start("2g", "kafka", "postgres", "redis")) {
            double ready = seconds(t0);
            double[] cpu = cpuOver(services.pid(), steadySeconds);
            return new double[] {ready, cpu[0], rssMb(services.pid())};
        }
    }

    /**
     * {ready s, first update s, steady CPU cores, RSS MB, heap after GC MB, stop s} of one demo
     * run, started as the script starts it.
     */
    private static double[] demo(String classpath, int warmupSeconds, int steadySeconds)
            throws Exception {
        Path data = Files.createTempDirectory("sluice-demo-bench");
        int port = ServerProcess.freePort();
        File log = File.createTempFile("sluice-demo-bench", ".log");
        long t0 = System.nanoTime();
        ServerProcess demo =
                ServerProcess.start(
                        "demo",
                        List.of("-Xmx3g"),
                        classpath,
                        DEMO_MAIN,
                        List.of(
                                "--port",
                                Integer.toString(port),
                                "--flink-ui-port",
                                "0",
                                "--local.data.dir=" + data),
                        "Ctrl-C stops it.",
                        log);
        double ready = seconds(t0);
        WebSocketClient client = new WebSocketClient();
        client.start();
        try {
            FirstUpdate first = new FirstUpdate();
            client.connect(
                            first,
                            URI.create("ws://127.0.0.1:" + port + "/app/scada-key?protocol=7"))
                    .get(10, TimeUnit.SECONDS);
            double firstUpdate = first.live.get(120, TimeUnit.SECONDS) / 1e9 - t0 / 1e9;
            Thread.sleep(warmupSeconds * 1000L);
            double[] cpu = cpuOver(demo.pid(), steadySeconds);
            double rss = rssMb(demo.pid());
            double heap = demo.heapAfterGc() / 1e6;
            long stopStart = System.nanoTime();
            demo.close();
            double stop = seconds(stopStart);
            try (Stream<Path> left = Files.list(data)) {
                if (left.findAny().isPresent()) {
                    throw new IllegalStateException("the demo left files in " + data);
                }
            }
            Files.delete(data);
            return new double[] {ready, firstUpdate, cpu[0], rss, heap, stop};
        } finally {
            client.stop();
            demo.close();
        }
    }

    /** {cores} a process used over the next seconds. */
    private static double[] cpuOver(long pid, int seconds) throws InterruptedException {
        double before = ProcCpu.processSeconds(pid);
        long t = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        return new double[] {(ProcCpu.processSeconds(pid) - before) / seconds(t)};
    }

    private static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double median(List<double[]> runs, int field) {
        return Medians.of(runs.stream().mapToDouble(r -> r[field]).toArray());
    }

    /**
     * Subscribes to every group's updates; completes with the receipt time of the first live one.
     */
    public static final class FirstUpdate implements Session.Listener.AutoDemanding {
        final CompletableFuture<Long> live = new CompletableFuture<>();
        private Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            s.sendText(
                    "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"scada-data\"}}",
                    Callback.NOOP);
        }

        @Override
        public void onWebSocketText(String text) {
            if (text.contains("scada.data.received") && !text.contains("snapshot")) {
                live.complete(System.nanoTime());
            }
        }
    }
}
