package io.sluice.bench;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 4's benchmark: websocket-sink's fan-out of live updates to K subscribed connections,
 * against a bare Jetty WebSocket broadcast measured the same way in the same run.
 *
 * <p>Four processes: Redis (embedded, {@link ServicesProcess}), websocket-sink ({@code
 * io.sluice.websocket.WebSocketSinkCommand}) and the bare server ({@link BareBroadcastServer}) each
 * in a JVM of its own, and this one, the load generator: the clients ({@link FanoutClients}, or
 * with {@code --client raw} the lean {@link RawFanoutClients}) and the publisher ({@link
 * FanoutPublisher}). Each round opens K connections spread over {@code --groups} channels, sends a
 * probe until every client has it, takes the server's heap after a GC, then publishes {@code
 * --rate} messages a second to every group for {@code --duration} seconds (each client gets {@code
 * --rate} a second), waits for the last, and closes all. Three ways, in turn: sluice/redis (XADD to
 * the 1 s updates stream, as the job), sluice/http (the Pusher HTTP API), bare.
 *
 * <pre>
 * bench/websocket-fanout.sh [--connections 1000,5000,10000] [--rate 10] [--duration 20] [--rounds 3]
 *                           [--groups 10] [--tags 4] [--modes sluice-redis,sluice-http,bare]
 *                           [--client jetty|raw]
 * </pre>
 */
public final class FanoutBench {
    enum Mode {
        SLUICE_REDIS("sluice/redis"),
        SLUICE_HTTP("sluice/http"),
        BARE("bare");

        final String label;

        Mode(String label) {
            this.label = label;
        }

        static Mode of(String flag) {
            return valueOf(flag.trim().toUpperCase().replace('-', '_'));
        }
    }

    private final Map<String, String> flags;
    private final double rate;
    private final int duration;
    private final int groups;
    private final int parallel;
    private final Duration quiet;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private ServerProcess sluice;
    private ServerProcess bare;
    private long redisPid = -1;
    private FanoutClients clients;
    private RawFanoutClients raw;
    private FanoutClients.Opener opener;
    private final Map<Mode, FanoutPublisher> publishers = new EnumMap<>(Mode.class);
    private long nextBase = 1_795_735_200_000L;

    private FanoutBench(Map<String, String> flags) {
        this.flags = flags;
        rate = Double.parseDouble(flags.getOrDefault("rate", "10"));
        duration = Integer.parseInt(flags.getOrDefault("duration", "20"));
        groups = Integer.parseInt(flags.getOrDefault("groups", "10"));
        parallel = Integer.parseInt(flags.getOrDefault("connect-parallel", "256"));
        quiet = Duration.ofSeconds(Long.parseLong(flags.getOrDefault("drain", "10")));
    }

    public static void main(String[] args) throws Exception {
        new FanoutBench(SluiceConfig.flagsOf(args)).run();
    }

    private void run() throws Exception {
        int[] ks = BenchFlags.ints(flags, "connections", "1000,5000,10000");
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "3"));
        int tags = Integer.parseInt(flags.getOrDefault("tags", "4"));
        List<Mode> modes =
                BenchFlags.list(flags, "modes", "sluice-redis,sluice-http,bare").stream()
                        .map(Mode::of)
                        .toList();
        String serverClasspath = flags.get("server-classpath");
        if (serverClasspath == null) {
            throw new IllegalArgumentException(
                    "--server-classpath: websocket-sink's runtime classpath (the script sets it)");
        }
        String heap = flags.getOrDefault("server-heap", "2g");
        Path target = ServerProcess.benchTarget();
        List<String> jvm = List.of("-Xmx" + heap, "-XX:+UseG1GC");

        try (ServicesProcess redis = ServicesProcess.start("512m", "redis")) {
            try {
                measure(redis, ks, rounds, tags, modes, serverClasspath, heap, target, jvm);
            } finally { // before Redis goes
                for (FanoutPublisher p : publishers.values()) {
                    p.close();
                }
                if (clients != null) {
                    clients.close();
                }
                if (raw != null) {
                    raw.close();
                }
                if (sluice != null) {
                    sluice.close();
                }
                if (bare != null) {
                    bare.close();
                }
            }
        }
    }

    private void measure(
            ServicesProcess redis,
            int[] ks,
            int rounds,
            int tags,
            List<Mode> modes,
            String serverClasspath,
            String heap,
            Path target,
            List<String> jvm)
            throws Exception {
        String redisUrl = redis.address(ConfigKeys.REDIS_URL);
        redisPid = redis.redisServerPid();
        int sluicePort = ServerProcess.freePort();
        sluice =
                ServerProcess.webSocketSink(
                        sluicePort,
                        redisUrl,
                        jvm,
                        serverClasspath,
                        flags,
                        target.resolve("fanout-websocket-sink.log").toFile());
        int barePort = ServerProcess.freePort();
        bare =
                ServerProcess.start(
                        "bare",
                        jvm,
                        target.resolve("classes") + File.pathSeparator + serverClasspath,
                        BareBroadcastServer.class.getName(),
                        List.of(Integer.toString(barePort)),
                        "bare-broadcast:",
                        target.resolve("fanout-bare.log").toFile());
        int selectors = Integer.parseInt(flags.getOrDefault("selectors", Integer.toString(cores)));
        clients = new FanoutClients(selectors); // the publishers' too, whichever client
        String client = flags.getOrDefault("client", "jetty");
        String clientLabel;
        switch (client) {
            case "jetty" -> {
                opener = clients::connect;
                clientLabel = "jetty (WebSocketClient, " + selectors + " selectors)";
            }
            case "raw" -> {
                raw =
                        new RawFanoutClients(
                                Integer.parseInt(flags.getOrDefault("raw-threads", "1")));
                opener = raw;
                clientLabel =
                        "raw (NIO, "
                                + raw.threads()
                                + " selector thread"
                                + (raw.threads() == 1 ? "" : "s")
                                + ")";
            }
            default -> throw new IllegalArgumentException("--client jetty|raw, not " + client);
        }
        publishers.put(Mode.SLUICE_REDIS, new FanoutPublisher.Redis(tags, URI.create(redisUrl)));
        publishers.put(
                Mode.SLUICE_HTTP, new FanoutPublisher.Http(tags, clients.http(), sluicePort));
        publishers.put(Mode.BARE, new FanoutPublisher.Bare(tags, clients.ws(), barePort));
        Map<Mode, FanoutClients.Target> targets = new EnumMap<>(Mode.class);
        FanoutClients.Target pusher =
                new FanoutClients.Target(
                        g ->
                                URI.create(
                                        "ws://127.0.0.1:"
                                                + sluicePort
                                                + "/app/"
                                                + FanoutPublisher.APP_KEY
                                                + "?protocol=7&client=bench"),
                        g ->
                                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                                        + FanoutPublisher.channel(g)
                                        + "\"}}");
        targets.put(Mode.SLUICE_REDIS, pusher);
        targets.put(Mode.SLUICE_HTTP, pusher);
        targets.put(
                Mode.BARE,
                new FanoutClients.Target(
                        g -> URI.create("ws://127.0.0.1:" + barePort + "/bare/" + g), g -> null));

        FanoutPublisher sample = publishers.get(Mode.BARE);
        sample.base(nextBase);
        int frameBytes =
                ("{\"event\":\""
                                + FanoutPublisher.EVENT
                                + "\",\"channel\":\""
                                + FanoutPublisher.channel(0)
                                + "\",\"data\":"
                                + FanoutPublisher.quoted(sample.eventData(0, 0))
                                + "}")
                        .length();
        System.out.printf(
                "servers: websocket-sink pid %d, bare Jetty pid %d (each -Xmx%s, G1), Redis pid %d; load generator pid %d; %d cores%n",
                sluice.pid(), bare.pid(), heap, redisPid, ProcessHandle.current().pid(), cores);
        System.out.printf(
                "load: K connections over %d channels, %s messages/s per connection for %d s a round, frames of ~%d bytes (%d tags); client %s; open files: %s%n",
                groups, fmt(rate), duration, frameBytes, tags, clientLabel, openFileLimit());

        Map<Mode, Map<Integer, List<FanoutRound>>> results = new EnumMap<>(Mode.class);
        for (int k : ks) {
            for (Mode mode : modes) {
                FanoutRound w = round(mode, targets.get(mode), k, Math.max(5, duration / 2));
                System.out.printf("warm-up  %s  (not counted)%n", line(mode, k, w));
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < modes.size(); i++) {
                    Mode mode = modes.get((r + i) % modes.size()); // take turns at going first
                    FanoutRound res = round(mode, targets.get(mode), k, duration);
                    results.computeIfAbsent(mode, m -> new java.util.LinkedHashMap<>())
                            .computeIfAbsent(k, x -> new ArrayList<>())
                            .add(res);
                    System.out.printf("round %d  %s%n", r + 1, line(mode, k, res));
                }
            }
        }
        report(ks, modes, results);
    }

    /** One round: connect K, probe, heap, publish at the rate, wait for the last, close. */
    private FanoutRound round(Mode mode, FanoutClients.Target target, int k, int seconds)
            throws Exception {
        ServerProcess server = mode == Mode.BARE ? bare : sluice;
        FanoutPublisher publisher = publishers.get(mode);
        int messages = (int) Math.round(rate * seconds);
        long base = nextBase;
        nextBase += 100_000_000L;
        publisher.base(base);

        long heap0 = server.heapAfterGc();
        long c0 = System.nanoTime();
        FanoutClients.Round round =
                opener.connect(
                        target,
                        k,
                        groups,
                        messages,
                        base,
                        parallel,
                        Duration.ofSeconds(60 + k / 100));
        double connectSeconds = (System.nanoTime() - c0) / 1e9;
        try {
            publisher.probe(groups);
            round.awaitPrimed(Duration.ofSeconds(60));
            Thread.sleep(500);
            long heapK = server.heapAfterGc();

            double[] server0 = server.cpuSeconds();
            double load0 = ProcCpu.processSeconds(ProcessHandle.current().pid());
            double redis0 = redisSeconds();
            long[] machine0 = ProcCpu.machineTicks();
            long t0 = System.nanoTime();
            long late = publisher.run(groups, messages, rate);
            long t1 = round.awaitComplete(quiet);
            double[] server1 = server.cpuSeconds();
            double serverUser = server1[0] - server0[0];
            double serverSystem = server1[1] - server0[1];
            double serverCpu = serverUser + serverSystem;
            double loadCpu = ProcCpu.processSeconds(ProcessHandle.current().pid()) - load0;
            double redisCpu = redisSeconds() - redis0;
            double busy = ProcCpu.busyShare(machine0, ProcCpu.machineTicks());
            if (!server.isAlive()) {
                throw new IllegalStateException(
                        "the server process died; see bench/target/fanout-*.log");
            }

            long delivered = round.received.sum();
            Histogram h = round.histogram();
            double per = delivered == 0 ? Double.NaN : 1e6 / delivered;
            long faults = round.duplicates.sum() + round.unexpected.sum();
            if (faults > 0) {
                System.out.printf(
                        "         %s K=%d: %d duplicates, %d failures (first: %s)%n",
                        mode.label,
                        k,
                        round.duplicates.sum(),
                        round.unexpected.sum(),
                        round.firstFailure);
            }
            return new FanoutRound(
                    connectSeconds,
                    delivered / ((t1 - t0) / 1e9),
                    round.lost(),
                    faults,
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0,
                    serverCpu * per,
                    serverCpu == 0 ? 0 : serverSystem / serverCpu,
                    loadCpu * per,
                    mode == Mode.BARE ? Double.NaN : redisCpu * per,
                    busy,
                    (double) (heapK - heap0) / k,
                    late / 1e6,
                    Double.NaN);
        } finally {
            round.closeAll(Duration.ofSeconds(30));
            Thread.sleep(1000); // let the server finish its side of the closes before the next heap
            // reading
        }
    }

    private double redisSeconds() {
        return redisPid < 0 ? Double.NaN : ProcCpu.processSeconds(redisPid);
    }

    private String line(Mode mode, int k, FanoutRound r) {
        return String.format(
                "%-12s K=%,-7d %,9.0f msg/s  lost %d  p50 %6.2f ms  p99 %6.2f ms  max %6.1f ms  "
                        + "server %5.2f us/msg (%2.0f%% kernel)  load gen %5.2f us/msg  busy %3.0f%%  heap %5.2f KB/conn  (connect %.1f s%s)",
                mode.label,
                k,
                r.delivered(),
                r.lost(),
                r.p50Ms(),
                r.p99Ms(),
                r.maxMs(),
                r.serverUs(),
                100 * r.kernelShare(),
                r.loadUs(),
                100 * r.busy(),
                r.heapPerConn() / 1024,
                r.connectSeconds(),
                Double.isNaN(r.redisUs()) ? "" : String.format(", redis %.2f us/msg", r.redisUs()));
    }

    private void report(
            int[] ks, List<Mode> modes, Map<Mode, Map<Integer, List<FanoutRound>>> results) {
        Map<Mode, Map<Integer, FanoutRound>> medians = new EnumMap<>(Mode.class);
        for (int k : ks) {
            for (Mode mode : modes) {
                List<FanoutRound> rs = results.get(mode).get(k);
                FanoutRound m = FanoutRound.median(rs);
                medians.computeIfAbsent(mode, x -> new java.util.LinkedHashMap<>()).put(k, m);
                System.out.printf("median   %s%n", line(mode, k, m));
            }
        }
        if (modes.contains(Mode.BARE)) {
            for (int k : ks) {
                FanoutRound b = medians.get(Mode.BARE).get(k);
                for (Mode mode : modes) {
                    if (mode != Mode.BARE) {
                        FanoutRound s = medians.get(mode).get(k);
                        System.out.printf(
                                "ratio    %-12s / bare  K=%,-7d CPU us/msg %5.2f   p99 %5.2f   heap/conn %5.2f%n",
                                mode.label,
                                k,
                                s.serverUs() / b.serverUs(),
                                s.p99Ms() / b.p99Ms(),
                                s.heapPerConn() / b.heapPerConn());
                    }
                }
            }
        }
        for (int k : ks) {
            for (Mode mode : modes) {
                if (mode == Mode.BARE) {
                    continue;
                }
                FanoutRound s = medians.get(mode).get(k);
                System.out.printf(
                        "target   %-12s K=%,-7d CPU %5.2f us/msg (<= 3) %-4s  p99 %6.2f ms (< 15 at 5,000 x 10/s) %-4s  "
                                + "heap %5.2f KB/conn (<= 8) %-4s  lost %d faults %d %s%n",
                        mode.label,
                        k,
                        s.serverUs(),
                        ok(s.serverUs() <= 3),
                        s.p99Ms(),
                        ok(s.p99Ms() < 15),
                        s.heapPerConn() / 1024,
                        ok(s.heapPerConn() <= 8 * 1024),
                        s.lost(),
                        s.faults(),
                        ok(s.lost() == 0 && s.faults() == 0));
            }
        }
        System.out.println(
                "reference Soketi, K=5,000 x 10 msg/s (issue 4): ~8 us of CPU per delivered message, p50 30 ms, p99 61 ms");
        for (int k : ks) {
            for (Mode mode : modes) {
                FanoutRound r = medians.get(mode).get(k);
                double accounted =
                        r.serverUs() + r.loadUs() + (Double.isNaN(r.redisUs()) ? 0 : r.redisUs());
                if (r.busy() >= 0.85) {
                    System.out.printf(
                            "note     %s K=%,d: the machine was %.0f%% busy (%d cores), the load generator %.0f%% of the CPU "
                                    + "accounted for, the server %.0f%%: %s%n",
                            mode.label,
                            k,
                            100 * r.busy(),
                            cores,
                            100 * r.loadUs() / accounted,
                            100 * r.serverUs() / accounted,
                            r.loadUs() > r.serverUs()
                                    ? "the load generator, not the server, is the bottleneck"
                                    : "the server is the bottleneck");
                }
                if (r.lateMs() > 100) {
                    System.out.printf(
                            "note     %s K=%,d: the publisher fell behind its schedule by up to %.1f ms (median)%n",
                            mode.label, k, r.lateMs());
                }
            }
        }
    }

    private static String ok(boolean met) {
        return met ? "met" : "MISS";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String openFileLimit() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files"))
                .map(l -> l.replaceAll("Max open files\\s+(\\S+)\\s+(\\S+).*", "$1 (hard $2)"))
                .findFirst()
                .orElse("?");
    }
}
