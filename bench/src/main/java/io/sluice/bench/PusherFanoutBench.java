package io.sluice.bench;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Issue 11's benchmark: websocket-sink against Soketi 1.6.1, side by side in the same run, under
 * clients that behave like pusher-js.
 *
 * <p>Processes: Redis (embedded, {@link ServicesProcess}), websocket-sink (a JVM of its own),
 * Soketi ({@link SoketiProcess}, from bench/target/soketi), {@code --workers} Node processes of
 * {@code ws} clients ({@code bench/node/pusher-like-clients.mjs}) and the publisher: the {@code
 * pusher} SDK in Node ({@code bench/node/sdk-publisher.mjs}, {@code /batch_events} of 10) for the
 * HTTP ways, and this JVM's Jedis XADD for the job's Redis path. Each round, for one way and K: K
 * connections over {@code --channels} channels, a probe until every client has it, then {@code
 * --rate} events a second on every channel for {@code --duration} seconds; the wait for the last;
 * the counts and latencies from the workers; CPU from /proc; RSS sampled every 100 ms.
 *
 * <pre>
 * bench/pusher-fanout.sh [--connections 1000,5000,10000] [--rounds 3] [--duration 20] [--rate 10]
 *                        [--channels 10] [--bytes 200] [--workers 2]
 *                        [--modes soketi-http,sluice-http,sluice-redis]
 *                        [--server-jvm "-Xmx512m -XX:+UseG1GC"] [--server.KEY VALUE]...
 * </pre>
 */
public final class PusherFanoutBench {
    enum Mode {
        SOKETI_HTTP("soketi/http"),
        SLUICE_HTTP("sluice/http"),
        SLUICE_REDIS("sluice/redis");

        final String label;

        Mode(String label) {
            this.label = label;
        }

        static Mode of(String flag) {
            return valueOf(flag.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        boolean sluice() {
            return this != SOKETI_HTTP;
        }
    }

    /** What else a round has beside its K readers: nothing, slow consumers, or a connect flood. */
    enum Disturbance {
        CALM,
        SLOW,
        FLOOD;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    /** A round's figures, and the disturbing clients' own report (null in a calm round). */
    private record Outcome(FanoutRound round, JsonNode disturbed) {}

    private static final String HEAVY_CHANNEL = "bench-heavy";

    private final Map<String, String> flags;
    private final int duration;
    private final int rate;
    private final int channels;
    private final int bytes;
    private final int workers;
    private final int slowCount;
    private final int floodRate;
    private final Path node;
    private final Path target;
    private final File nodeLog;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private ServerProcess sluice;
    private ServerProcess soketi;
    private FanoutPublisher.Redis redisPublisher;
    private final Map<Mode, Integer> ports = new EnumMap<>(Mode.class);
    private long redisPid = -1;
    private long sluiceIdleHeap;

    private PusherFanoutBench(Map<String, String> flags) {
        this.flags = flags;
        duration = Integer.parseInt(flags.getOrDefault("duration", "20"));
        rate = Integer.parseInt(flags.getOrDefault("rate", "10"));
        channels = Integer.parseInt(flags.getOrDefault("channels", "10"));
        bytes = Integer.parseInt(flags.getOrDefault("bytes", "200"));
        workers = Integer.parseInt(flags.getOrDefault("workers", "2"));
        target = ServerProcess.benchTarget();
        node = target.getParent().resolve("node");
        nodeLog = target.resolve("pusher-fanout-node.log").toFile();
        slowCount = Integer.parseInt(flags.getOrDefault("slow", "500"));
        floodRate = Integer.parseInt(flags.getOrDefault("flood-rate", "2000"));
    }

    public static void main(String[] args) throws Exception {
        new PusherFanoutBench(SluiceConfig.flagsOf(args)).run();
    }

    private void run() throws Exception {
        int[] ks = BenchFlags.ints(flags, "connections", "1000,5000,10000");
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "3"));
        List<Mode> modes =
                BenchFlags.list(flags, "modes", "soketi-http,sluice-http,sluice-redis").stream()
                        .map(Mode::of)
                        .toList();
        try (ServicesProcess redis = ServicesProcess.start("512m", "redis")) {
            try {
                startServers(redis, modes);
                List<Disturbance> disturbances =
                        BenchFlags.list(flags, "disturb", "").stream()
                                .filter(d -> !d.isBlank())
                                .map(d -> Disturbance.valueOf(d.trim().toUpperCase(Locale.ROOT)))
                                .toList();
                if (disturbances.isEmpty()) {
                    measure(ks, rounds, modes);
                } else {
                    measureDisturbed(ks, rounds, modes, disturbances);
                }
            } finally {
                if (redisPublisher != null) {
                    redisPublisher.close();
                }
                if (sluice != null) {
                    sluice.close();
                }
                if (soketi != null) {
                    soketi.close();
                }
            }
        }
    }

    private void startServers(ServicesProcess redis, List<Mode> modes) throws Exception {
        String redisUrl = redis.address(ConfigKeys.REDIS_URL);
        redisPid = redis.redisServerPid();
        String serverJvm = flags.get("server-jvm");
        if (modes.stream().anyMatch(Mode::sluice)) {
            String classpath = flags.get("server-classpath");
            if (classpath == null) {
                throw new IllegalArgumentException(
                        "--server-classpath: websocket-sink's runtime classpath (the script sets"
                                + " it)");
            }
            if (serverJvm == null) {
                throw new IllegalArgumentException(
                        "--server-jvm: websocket-sink's JVM options (the script passes"
                                + " websocket-sink/bin/jvm.options)");
            }
            int port = ServerProcess.freePort();
            sluice =
                    ServerProcess.webSocketSink(
                            port,
                            redisUrl,
                            List.of(serverJvm.split(" ")),
                            classpath,
                            flags,
                            target.resolve("pusher-fanout-websocket-sink.log").toFile());
            ports.put(Mode.SLUICE_HTTP, port);
            ports.put(Mode.SLUICE_REDIS, port);
            redisPublisher =
                    new FanoutPublisher.Redis(2, URI.create(redisUrl)); // frames of ~250 bytes
            sluiceIdleHeap = sluice.heapAfterGc();
        }
        if (modes.contains(Mode.SOKETI_HTTP)) {
            Path home =
                    Path.of(flags.getOrDefault("soketi-home", target.resolve("soketi").toString()));
            int port = ServerProcess.freePort();
            soketi =
                    SoketiProcess.start(
                            home,
                            port,
                            FanoutPublisher.APP_ID,
                            FanoutPublisher.APP_KEY,
                            FanoutPublisher.APP_SECRET,
                            target.resolve("pusher-fanout-soketi.log").toFile());
            ports.put(Mode.SOKETI_HTTP, port);
        }
        System.out.printf(
                "servers: %s%s; Redis pid %d; %d cores%n",
                sluice == null ? "" : "websocket-sink pid " + sluice.pid() + " (" + serverJvm + ")",
                soketi == null
                        ? ""
                        : (sluice == null ? "" : ", ") + "Soketi 1.6.1 pid " + soketi.pid(),
                redisPid,
                cores);
        System.out.printf(
                "load: K connections over %d channels from %d Node worker processes of ws clients"
                        + " that act like pusher-js; %d events/s per channel of ~%d bytes, %d s a"
                        + " round; HTTP ways: the pusher SDK, /batch_events of 10%n",
                channels, workers, rate, bytes, duration);
    }

    private void measure(int[] ks, int rounds, List<Mode> modes) throws Exception {
        Map<Mode, Map<Integer, List<FanoutRound>>> results = new EnumMap<>(Mode.class);
        for (int k : ks) {
            for (Mode m : modes) {
                FanoutRound warm = round(m, k, Math.max(5, duration / 2), Disturbance.CALM).round();
                System.out.printf("warm-up  %s%n", line(m, k, warm));
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < modes.size(); i++) {
                    Mode m = modes.get((i + r) % modes.size());
                    FanoutRound res = round(m, k, duration, Disturbance.CALM).round();
                    results.computeIfAbsent(m, x -> new java.util.TreeMap<>())
                            .computeIfAbsent(k, x -> new ArrayList<>())
                            .add(res);
                    System.out.printf("round %d  %s%n", r + 1, line(m, k, res));
                }
            }
        }
        report(ks, modes, results);
    }

    private String channel(Mode m, int i) {
        return m == Mode.SLUICE_REDIS ? FanoutPublisher.channel(i) : "bench-" + i;
    }

    /**
     * The disturbed view: at each K and for each way, rounds of a calm run and then each
     * disturbance, alternating the ways; the readers' p99 under each disturbance as a ratio to the
     * calm rounds' of the same way.
     */
    private void measureDisturbed(
            int[] ks, int rounds, List<Mode> modes, List<Disturbance> disturbances)
            throws Exception {
        List<Disturbance> kinds = new ArrayList<>(List.of(Disturbance.CALM));
        kinds.addAll(disturbances);
        StringBuilder out = new StringBuilder();
        for (int k : ks) {
            // Each way sees every kind once first: a server that has run for a while has
            // compiled its connect and slow-client paths too.
            for (Mode m : modes) {
                for (Disturbance d : kinds) {
                    Outcome o = round(m, k, 5, d);
                    System.out.printf("warm-up  %-5s %s%n", d.label, line(m, k, o.round()));
                }
            }
            Map<Mode, Map<Disturbance, List<FanoutRound>>> results = new EnumMap<>(Mode.class);
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < modes.size(); i++) {
                    Mode m = modes.get((i + r) % modes.size());
                    for (Disturbance d : kinds) {
                        Outcome o = round(m, k, duration, d);
                        results.computeIfAbsent(m, x -> new EnumMap<>(Disturbance.class))
                                .computeIfAbsent(d, x -> new ArrayList<>())
                                .add(o.round());
                        System.out.printf(
                                "round %d  %-5s %s%s%n",
                                r + 1,
                                d.label,
                                line(m, k, o.round()),
                                o.disturbed() == null ? "" : "  " + o.disturbed());
                    }
                }
            }
            for (Mode m : modes) {
                FanoutRound calm = FanoutRound.median(results.get(m).get(Disturbance.CALM));
                for (Disturbance d : kinds) {
                    FanoutRound r = FanoutRound.median(results.get(m).get(d));
                    out.append(String.format("median   %-5s %s%n", d.label, line(m, k, r)));
                    if (d != Disturbance.CALM) {
                        double ratio = r.p99Ms() / calm.p99Ms();
                        out.append(
                                String.format(
                                        Locale.ROOT,
                                        "ratio    %-12s K=%-6s %s / calm  p99 %.2f / %.2f ms = %.2f"
                                                + " (< 2 %s)  lost %d%n",
                                        m.label,
                                        String.format(Locale.ROOT, "%,d", k),
                                        d.label,
                                        r.p99Ms(),
                                        calm.p99Ms(),
                                        ratio,
                                        ratio < 2 ? "met" : "MISS",
                                        r.lost()));
                    }
                }
            }
        }
        System.out.print(out);
        Files.writeString(target.resolve("pusher-fanout-disturbed.txt"), out.toString());
    }

    /**
     * Starts the disturbing clients of d, and for slow ones the heavy publisher that fills them.
     */
    private List<NodeProcess> disturb(Disturbance d, int port, int seconds) throws IOException {
        String url = "ws://127.0.0.1:" + port + "/app/" + FanoutPublisher.APP_KEY;
        List<String> common = List.of("--url", url, "--channel", HEAVY_CHANNEL);
        List<String> args = new ArrayList<>(common);
        if (d == Disturbance.SLOW) {
            args.addAll(List.of("--role", "slow", "--count", Integer.toString(slowCount)));
        } else {
            args.addAll(
                    List.of(
                            "--role",
                            "flood",
                            "--rate",
                            Integer.toString(floodRate),
                            "--duration",
                            Integer.toString(seconds)));
        }
        NodeProcess clients =
                NodeProcess.start(d.label, node.resolve("disturbing-clients.mjs"), args, nodeLog);
        clients.read(); // ready
        if (d != Disturbance.SLOW) {
            return List.of(clients);
        }
        // Pusher's largest events (10 KB less the envelope), so the slow ones' buffers fill in
        // seconds: what the kernel holds, then websocket.queue.max.messages frames.
        NodeProcess heavy =
                publisher(
                        port,
                        HEAVY_CHANNEL,
                        seconds,
                        false,
                        Integer.parseInt(flags.getOrDefault("slow-rate", "50")),
                        Integer.parseInt(flags.getOrDefault("slow-bytes", "9000")));
        return List.of(clients, heavy);
    }

    private Outcome round(Mode m, int k, int seconds, Disturbance d) throws Exception {
        int port = ports.get(m);
        String channelList =
                IntStream.range(0, channels)
                        .mapToObj(i -> channel(m, i))
                        .collect(Collectors.joining(","));
        List<NodeProcess> ws = new ArrayList<>();
        List<NodeProcess> disturbers = List.of();
        try {
            long t0 = System.nanoTime();
            for (int w = 0; w < workers; w++) {
                int from = k * w / workers;
                int to = k * (w + 1) / workers;
                ws.add(
                        NodeProcess.start(
                                "worker " + w,
                                node.resolve("pusher-like-clients.mjs"),
                                List.of(
                                        "--url",
                                        "ws://127.0.0.1:"
                                                + port
                                                + "/app/"
                                                + FanoutPublisher.APP_KEY,
                                        "--channels",
                                        channelList,
                                        "--first",
                                        Integer.toString(from),
                                        "--count",
                                        Integer.toString(to - from)),
                                nodeLog));
            }
            for (NodeProcess w : ws) {
                w.read(); // ready
            }
            double connect = (System.nanoTime() - t0) / 1e9;
            int messages = rate * seconds;
            for (NodeProcess w : ws) {
                w.send(Map.of("cmd", "round", "messages", messages));
                w.read();
            }
            probe(m, port, channelList, ws);
            double heapPerConn =
                    m.sluice() ? (sluice.heapAfterGc() - sluiceIdleHeap) / (double) k : Double.NaN;
            long server = m.sluice() ? sluice.pid() : soketi.pid();
            double[] cpu0 = ProcCpu.userSystemSeconds(server);
            double load0 = ws.stream().mapToDouble(NodeProcess::cpuSeconds).sum();
            double redis0 = redisPid > 0 ? ProcCpu.processSeconds(redisPid) : 0;
            long[] machine0 = ProcCpu.machineTicks();
            AtomicLong rss = new AtomicLong();
            Thread sampler =
                    new Thread(
                            () -> {
                                while (!Thread.currentThread().isInterrupted()) {
                                    rss.accumulateAndGet(ProcMemory.rssBytes(server), Math::max);
                                    try {
                                        Thread.sleep(100);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            },
                            "rss-sampler");
            sampler.setDaemon(true);
            sampler.start();
            disturbers = d == Disturbance.CALM ? List.of() : disturb(d, port, seconds);
            long startUs = FanoutClients.micros();
            double publisherCpu = 0;
            double lateMs;
            if (m == Mode.SLUICE_REDIS) {
                double before =
                        ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos()
                                / 1e9;
                lateMs = redisPublisher.runBursts(channels, messages, rate) / 1e6;
                publisherCpu =
                        ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos()
                                        / 1e9
                                - before;
            } else {
                try (NodeProcess publisher =
                        publisher(port, channelList, seconds, false, rate, bytes)) {
                    JsonNode done = publisher.read();
                    lateMs = done.get("lateMs").asDouble();
                    startUs = done.get("startUs").asLong();
                    publisherCpu = done.path("cpuS").asDouble();
                    if (done.get("failed").asLong() > 0) {
                        throw new IOException(
                                m.label + ": " + done.get("failed") + " publishes failed");
                    }
                }
            }
            long expected = (long) k * messages;
            JsonNode[] reports = drain(ws, expected);
            sampler.interrupt();
            JsonNode disturbed = null;
            if (!disturbers.isEmpty()) {
                disturbers.get(0).send(Map.of("cmd", "report"));
                disturbed = disturbers.get(0).read();
            }
            double[] cpu1 = ProcCpu.userSystemSeconds(server);
            double load1 = ws.stream().mapToDouble(NodeProcess::cpuSeconds).sum();
            double redis1 = redisPid > 0 ? ProcCpu.processSeconds(redisPid) : 0;
            long[] machine1 = ProcCpu.machineTicks();

            long distinct = 0;
            long faults = 0;
            long last = 0;
            Histogram latency = new Histogram(3);
            for (JsonNode r : reports) {
                distinct += r.get("distinct").asLong();
                faults += r.get("duplicates").asLong() + r.get("faults").asLong();
                last = Math.max(last, r.get("lastUs").asLong());
                Iterator<Map.Entry<String, JsonNode>> it = r.get("latency").fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    latency.recordValueWithCount(Long.parseLong(e.getKey()), e.getValue().asLong());
                }
            }
            double serverCpu = (cpu1[0] - cpu0[0]) + (cpu1[1] - cpu0[1]);
            double seconds1 = Math.max(1e-6, (last - startUs) / 1e6);
            return new Outcome(
                    new FanoutRound(
                            connect,
                            distinct / seconds1,
                            expected - distinct,
                            faults,
                            latency.getValueAtPercentile(50) / 1000.0,
                            latency.getValueAtPercentile(99) / 1000.0,
                            latency.getMaxValue() / 1000.0,
                            distinct == 0 ? Double.NaN : serverCpu * 1e6 / distinct,
                            serverCpu == 0 ? 0 : (cpu1[1] - cpu0[1]) / serverCpu,
                            distinct == 0
                                    ? Double.NaN
                                    : (load1 - load0 + publisherCpu) * 1e6 / distinct,
                            distinct == 0 ? Double.NaN : (redis1 - redis0) * 1e6 / distinct,
                            ProcCpu.busyShare(machine0, machine1),
                            heapPerConn,
                            lateMs,
                            rss.get() / 1e6),
                    disturbed);
        } finally {
            for (NodeProcess p : disturbers) {
                p.close();
            }
            for (NodeProcess w : ws) {
                try {
                    w.send(Map.of("cmd", "close"));
                } catch (IOException ignored) {
                    // it ended
                }
            }
            for (NodeProcess w : ws) {
                w.close();
            }
            Thread.sleep(500); // the servers see the closes before the next round
        }
    }

    private NodeProcess publisher(
            int port, String channelList, int seconds, boolean probe, int rate, int bytes)
            throws IOException {
        return NodeProcess.start(
                "publisher",
                node.resolve("sdk-publisher.mjs"),
                List.of(
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--app-id",
                        FanoutPublisher.APP_ID,
                        "--key",
                        FanoutPublisher.APP_KEY,
                        "--secret",
                        FanoutPublisher.APP_SECRET,
                        "--channels",
                        channelList,
                        "--rate",
                        Integer.toString(rate),
                        "--duration",
                        Integer.toString(seconds),
                        "--bytes",
                        Integer.toString(bytes),
                        "--probe",
                        Boolean.toString(probe)),
                nodeLog);
    }

    /** Sends the probe (q = -1) every half second until every client has had one. */
    private void probe(Mode m, int port, String channelList, List<NodeProcess> ws)
            throws Exception {
        for (NodeProcess w : ws) {
            w.send(Map.of("cmd", "probe"));
        }
        // Each worker answers once all its clients have had the probe.
        CompletableFuture<Void> probed =
                CompletableFuture.runAsync(
                        () -> {
                            for (NodeProcess w : ws) {
                                try {
                                    w.read();
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }
                        });
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!probed.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new IOException(m.label + ": the probe did not reach every client in 60 s");
            }
            if (m == Mode.SLUICE_REDIS) {
                redisPublisher.probe(channels);
            } else {
                try (NodeProcess p = publisher(port, channelList, 0, true, rate, bytes)) {
                    p.read();
                }
            }
            Thread.sleep(500);
        }
        probed.join(); // a worker's failure fails the round
    }

    /** Reports, once every client has all, or nothing more came for 10 s. */
    private static JsonNode[] drain(List<NodeProcess> ws, long expected) throws Exception {
        long seen = -1;
        long quietSince = System.nanoTime();
        while (true) {
            JsonNode[] reports = new JsonNode[ws.size()];
            long distinct = 0;
            for (int i = 0; i < ws.size(); i++) {
                ws.get(i).send(Map.of("cmd", "report"));
                reports[i] = ws.get(i).read();
                distinct += reports[i].get("distinct").asLong();
            }
            if (distinct >= expected) {
                return reports;
            }
            if (distinct != seen) {
                seen = distinct;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > 10_000_000_000L) {
                return reports;
            }
            Thread.sleep(200);
        }
    }

    private static String line(Mode m, int k, FanoutRound r) {
        return String.format(
                Locale.ROOT,
                "%-12s K=%-6s %8.0f msg/s  lost %d  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms"
                        + "  server %5.2f us/msg (%2.0f%% kernel)  load gen %5.2f us/msg  busy %3.0f%%"
                        + "  RSS %4.0f MB%s  (connect %.1f s%s, publisher late %.0f ms)",
                m.label,
                String.format(Locale.ROOT, "%,d", k),
                r.delivered(),
                r.lost(),
                r.p50Ms(),
                r.p99Ms(),
                r.maxMs(),
                r.serverUs(),
                r.kernelShare() * 100,
                r.loadUs(),
                r.busy() * 100,
                r.rssMb(),
                Double.isNaN(r.heapPerConn())
                        ? ""
                        : String.format(Locale.ROOT, "  heap %.2f KB/conn", r.heapPerConn() / 1024),
                r.connectSeconds(),
                m == Mode.SLUICE_REDIS
                        ? String.format(Locale.ROOT, ", redis %.2f us/msg", r.redisUs())
                        : "",
                r.lateMs());
    }

    private void report(
            int[] ks, List<Mode> modes, Map<Mode, Map<Integer, List<FanoutRound>>> results)
            throws IOException {
        StringBuilder out = new StringBuilder();
        Map<Mode, Map<Integer, FanoutRound>> medians = new EnumMap<>(Mode.class);
        for (int k : ks) {
            for (Mode m : modes) {
                FanoutRound r = FanoutRound.median(results.get(m).get(k));
                medians.computeIfAbsent(m, x -> new java.util.TreeMap<>()).put(k, r);
                out.append("median   ").append(line(m, k, r)).append('\n');
            }
        }
        if (modes.contains(Mode.SOKETI_HTTP)) {
            for (int k : ks) {
                FanoutRound s = medians.get(Mode.SOKETI_HTTP).get(k);
                for (Mode m : modes) {
                    if (!m.sluice()) {
                        continue;
                    }
                    FanoutRound r = medians.get(m).get(k);
                    out.append(
                            String.format(
                                    Locale.ROOT,
                                    "ratio    %-12s / soketi/http  K=%-6s  CPU us/msg %5.2f (<= 0.5 %s)"
                                            + "  p99 %5.2f (<= 0.5 %s)  RSS %5.2f (<= 1 %s)"
                                            + "  delivered %5.2f  lost %d vs %d%n",
                                    m.label,
                                    String.format(Locale.ROOT, "%,d", k),
                                    r.serverUs() / s.serverUs(),
                                    r.serverUs() / s.serverUs() <= 0.5 ? "met" : "MISS",
                                    r.p99Ms() / s.p99Ms(),
                                    r.p99Ms() / s.p99Ms() <= 0.5 ? "met" : "MISS",
                                    r.rssMb() / s.rssMb(),
                                    r.rssMb() <= s.rssMb() ? "met" : "MISS",
                                    r.delivered() / s.delivered(),
                                    r.lost(),
                                    s.lost()));
                }
            }
        }
        for (Mode m : modes) {
            for (int k : ks) {
                FanoutRound r = medians.get(m).get(k);
                if (r.busy() >= 0.85) {
                    out.append(
                            String.format(
                                    Locale.ROOT,
                                    "note     %s K=%,d: the machine was %.0f%% busy (%d cores)%n",
                                    m.label,
                                    k,
                                    r.busy() * 100,
                                    cores));
                }
            }
        }
        System.out.print(out);
        Path results1 = target.resolve("pusher-fanout-results.txt");
        Files.writeString(results1, out.toString());
    }
}
