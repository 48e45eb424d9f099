package io.sluice.bench;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** One round's figures. */
    record Result(
            double connectSeconds,
            double delivered,
            long lost,
            long faults,
            double p50Ms,
            double p99Ms,
            double maxMs,
            double serverUs,
            double kernelShare,
            double loadUs,
            double redisUs,
            double busy,
            double rssMb,
            double heapPerConnKb,
            double lateMs) {}

    private final Map<String, String> flags;
    private final int duration;
    private final int rate;
    private final int channels;
    private final int bytes;
    private final int workers;
    private final Path node;
    private final Path target;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private ServerProcess sluice;
    private SoketiProcess soketi;
    private FanoutPublisher.Redis redisPublisher;
    private final Map<Mode, Integer> ports = new EnumMap<>(Mode.class);
    private long redisPid = -1;
    private long sluiceIdleHeap;

    private PusherFanoutBench(Map<String, String> flags) throws Exception {
        this.flags = flags;
        duration = Integer.parseInt(flags.getOrDefault("duration", "20"));
        rate = Integer.parseInt(flags.getOrDefault("rate", "10"));
        channels = Integer.parseInt(flags.getOrDefault("channels", "10"));
        bytes = Integer.parseInt(flags.getOrDefault("bytes", "200"));
        workers = Integer.parseInt(flags.getOrDefault("workers", "2"));
        target =
                Path.of(
                                PusherFanoutBench.class
                                        .getProtectionDomain()
                                        .getCodeSource()
                                        .getLocation()
                                        .toURI())
                        .getParent();
        node = target.getParent().resolve("node");
    }

    public static void main(String[] args) throws Exception {
        new PusherFanoutBench(SluiceConfig.flagsOf(args)).run();
    }

    private void run() throws Exception {
        int[] ks =
                Arrays.stream(flags.getOrDefault("connections", "1000,5000,10000").split(","))
                        .mapToInt(s -> Integer.parseInt(s.trim()))
                        .toArray();
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "3"));
        List<Mode> modes =
                Arrays.stream(
                                flags.getOrDefault("modes", "soketi-http,sluice-http,sluice-redis")
                                        .split(","))
                        .map(Mode::of)
                        .toList();
        try (ServicesProcess redis = ServicesProcess.start("512m", "redis")) {
            try {
                startServers(redis, modes);
                measure(ks, rounds, modes);
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
        redisPid =
                ProcessHandle.of(redis.pid()).stream()
                        .flatMap(ProcessHandle::descendants)
                        .filter(p -> p.info().command().orElse("").contains("redis-server"))
                        .mapToLong(ProcessHandle::pid)
                        .findFirst()
                        .orElse(-1);
        if (modes.stream().anyMatch(Mode::sluice)) {
            String classpath = flags.get("server-classpath");
            if (classpath == null) {
                throw new IllegalArgumentException(
                        "--server-classpath: websocket-sink's runtime classpath (the script sets"
                                + " it)");
            }
            int port = ServerProcess.freePort();
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "--host",
                                    "127.0.0.1",
                                    "--port",
                                    Integer.toString(port),
                                    "--redis-url",
                                    redisUrl,
                                    "--app-id",
                                    FanoutPublisher.APP_ID,
                                    "--app-key",
                                    FanoutPublisher.APP_KEY,
                                    "--app-secret",
                                    FanoutPublisher.APP_SECRET,
                                    "--max-connections",
                                    "100000"));
            flags.forEach(
                    (k, v) -> {
                        if (k.startsWith("server.")) {
                            args.add("--" + k.substring("server.".length()) + "=" + v);
                        }
                    });
            List<String> jvm =
                    List.of(flags.getOrDefault("server-jvm", "-Xmx512m -XX:+UseG1GC").split(" "));
            sluice =
                    ServerProcess.start(
                            "websocket-sink",
                            jvm,
                            classpath,
                            "io.sluice.websocket.WebSocketSinkCommand",
                            args,
                            "websocket-sink:",
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
                sluice == null
                        ? ""
                        : "websocket-sink pid "
                                + sluice.pid()
                                + " ("
                                + flags.getOrDefault("server-jvm", "-Xmx512m -XX:+UseG1GC")
                                + ")",
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
        Map<Mode, Map<Integer, List<Result>>> results = new EnumMap<>(Mode.class);
        for (int k : ks) {
            for (Mode m : modes) {
                Result warm = round(m, k, Math.max(5, duration / 2));
                System.out.printf("warm-up  %s%n", line(m, k, warm));
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < modes.size(); i++) {
                    Mode m = modes.get((i + r) % modes.size());
                    Result res = round(m, k, duration);
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

    private Result round(Mode m, int k, int seconds) throws Exception {
        int port = ports.get(m);
        String channelList =
                IntStream.range(0, channels)
                        .mapToObj(i -> channel(m, i))
                        .collect(Collectors.joining(","));
        File log = target.resolve("pusher-fanout-node.log").toFile();
        List<NodeProcess> ws = new ArrayList<>();
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
                                log));
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
                    m.sluice()
                            ? (sluice.heapAfterGc() - sluiceIdleHeap) / (double) k / 1024
                            : Double.NaN;
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
            long startUs = FanoutClients.micros();
            double publisherCpu = 0;
            double lateMs;
            if (m == Mode.SLUICE_REDIS) {
                double before =
                        ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos()
                                / 1e9;
                lateMs = publishBursts(messages) / 1e6;
                publisherCpu =
                        ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos()
                                        / 1e9
                                - before;
            } else {
                try (NodeProcess publisher = publisher(port, channelList, seconds, false, log)) {
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
            return new Result(
                    connect,
                    distinct / seconds1,
                    expected - distinct,
                    faults,
                    latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0,
                    distinct == 0 ? Double.NaN : serverCpu * 1e6 / distinct,
                    serverCpu == 0 ? 0 : (cpu1[1] - cpu0[1]) / serverCpu,
                    distinct == 0 ? Double.NaN : (load1 - load0 + publisherCpu) * 1e6 / distinct,
                    distinct == 0 ? Double.NaN : (redis1 - redis0) * 1e6 / distinct,
                    ProcCpu.busyShare(machine0, machine1),
                    rss.get() / 1e6,
                    heapPerConn,
                    lateMs);
        } finally {
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

    /**
     * The job's path as the job writes it: every 1/rate seconds, one XADD per channel group at
     * once, as the window's end flushes them all; returns the latest burst's delay in nanoseconds.
     */
    private long publishBursts(int messages) {
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long late = 0;
        for (int q = 0; q < messages; q++) {
            long due = start + q * period;
            long now;
            while ((now = System.nanoTime()) < due) {
                java.util.concurrent.locks.LockSupport.parkNanos(due - now);
            }
            late = Math.max(late, now - due);
            for (int g = 0; g < channels; g++) {
                redisPublisher.publish(g, q);
            }
        }
        return late;
    }

    private NodeProcess publisher(
            int port, String channelList, int seconds, boolean probe, File log) throws IOException {
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
                log);
    }

    /** Sends the probe (q = -1) every half second until every client has had one. */
    private void probe(Mode m, int port, String channelList, List<NodeProcess> ws)
            throws Exception {
        for (NodeProcess w : ws) {
            w.send(Map.of("cmd", "probe"));
        }
        File log = target.resolve("pusher-fanout-node.log").toFile();
        List<NodeProcess> waiting = new ArrayList<>(ws);
        long deadline = System.nanoTime() + 60_000_000_000L;
        var pending = new java.util.concurrent.ConcurrentLinkedQueue<NodeProcess>();
        List<Thread> readers = new ArrayList<>();
        for (NodeProcess w : waiting) {
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    w.read();
                                    pending.add(w);
                                } catch (IOException e) {
                                    // counted as not probed; the deadline fails the round
                                }
                            });
            t.setDaemon(true);
            t.start();
            readers.add(t);
        }
        while (pending.size() < ws.size()) {
            if (System.nanoTime() > deadline) {
                throw new IOException(m.label + ": the probe did not reach every client in 60 s");
            }
            if (m == Mode.SLUICE_REDIS) {
                redisPublisher.probe(channels);
            } else {
                try (NodeProcess p = publisher(port, channelList, 0, true, log)) {
                    p.read();
                }
            }
            Thread.sleep(500);
        }
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

    private static String line(Mode m, int k, Result r) {
        return String.format(
                Locale.ROOT,
                "%-12s K=%-6s %8.0f msg/s  lost %d  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms"
                        + "  server %5.2f us/msg (%2.0f%% kernel)  load gen %5.2f us/msg  busy %3.0f%%"
                        + "  RSS %4.0f MB%s  (connect %.1f s%s, publisher late %.0f ms)",
                m.label,
                String.format(Locale.ROOT, "%,d", k),
                r.delivered,
                r.lost,
                r.p50Ms,
                r.p99Ms,
                r.maxMs,
                r.serverUs,
                r.kernelShare * 100,
                r.loadUs,
                r.busy * 100,
                r.rssMb,
                Double.isNaN(r.heapPerConnKb)
                        ? ""
                        : String.format(Locale.ROOT, "  heap %.2f KB/conn", r.heapPerConnKb),
                r.connectSeconds,
                m == Mode.SLUICE_REDIS
                        ? String.format(Locale.ROOT, ", redis %.2f us/msg", r.redisUs)
                        : "",
                r.lateMs);
    }

    private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        return Medians.of(rs.stream().mapToDouble(f).toArray());
    }

    private static Result median(List<Result> rs) {
        return new Result(
                median(rs, Result::connectSeconds),
                median(rs, Result::delivered),
                rs.stream().mapToLong(Result::lost).sum(),
                rs.stream().mapToLong(Result::faults).sum(),
                median(rs, Result::p50Ms),
                median(rs, Result::p99Ms),
                median(rs, Result::maxMs),
                median(rs, Result::serverUs),
                median(rs, Result::kernelShare),
                median(rs, Result::loadUs),
                median(rs, Result::redisUs),
                median(rs, Result::busy),
                median(rs, Result::rssMb),
                median(rs, Result::heapPerConnKb),
                median(rs, Result::lateMs));
    }

    private void report(int[] ks, List<Mode> modes, Map<Mode, Map<Integer, List<Result>>> results)
            throws IOException {
        StringBuilder out = new StringBuilder();
        Map<Mode, Map<Integer, Result>> medians = new EnumMap<>(Mode.class);
        for (int k : ks) {
            for (Mode m : modes) {
                Result r = median(results.get(m).get(k));
                medians.computeIfAbsent(m, x -> new java.util.TreeMap<>()).put(k, r);
                out.append("median   ").append(line(m, k, r)).append('\n');
            }
        }
        if (modes.contains(Mode.SOKETI_HTTP)) {
            for (int k : ks) {
                Result s = medians.get(Mode.SOKETI_HTTP).get(k);
                for (Mode m : modes) {
                    if (!m.sluice()) {
                        continue;
                    }
                    Result r = medians.get(m).get(k);
                    out.append(
                            String.format(
                                    Locale.ROOT,
                                    "ratio    %-12s / soketi/http  K=%-6s  CPU us/msg %5.2f (<= 0.5 %s)"
                                            + "  p99 %5.2f (<= 0.5 %s)  RSS %5.2f (<= 1 %s)"
                                            + "  delivered %5.2f  lost %d vs %d%n",
                                    m.label,
                                    String.format(Locale.ROOT, "%,d", k),
                                    r.serverUs / s.serverUs,
                                    r.serverUs / s.serverUs <= 0.5 ? "met" : "MISS",
                                    r.p99Ms / s.p99Ms,
                                    r.p99Ms / s.p99Ms <= 0.5 ? "met" : "MISS",
                                    r.rssMb / s.rssMb,
                                    r.rssMb <= s.rssMb ? "met" : "MISS",
                                    r.delivered / s.delivered,
                                    r.lost,
                                    s.lost));
                }
            }
        }
        for (Mode m : modes) {
            for (int k : ks) {
                Result r = medians.get(m).get(k);
                if (r.busy >= 0.85) {
                    out.append(
                            String.format(
                                    Locale.ROOT,
                                    "note     %s K=%,d: the machine was %.0f%% busy (%d cores)%n",
                                    m.label,
                                    k,
                                    r.busy * 100,
                                    cores));
                }
            }
        }
        System.out.print(out);
        Path results1 = target.resolve("pusher-fanout-results.txt");
        Files.writeString(results1, out.toString());
    }
}
