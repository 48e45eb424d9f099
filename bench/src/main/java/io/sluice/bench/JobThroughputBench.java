package io.sluice.bench;

import io.sluice.config.ConfigException;
import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.simulator.SimulatorSettings;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Issue 3's job benchmark: how fast readings go through the job, against a raw KafkaConsumer and
 * against the usual ways of writing the same aggregation, all reading one pre-loaded topic.
 *
 * <p>The topic is written once by the simulator (10,000 tags, ten readings per tag per second of
 * event time, no faults), then every measurement reads all of it from the earliest offset, with a
 * fresh consumer group or none, and must see every reading. Untimed warm-up rounds go first ({@code
 * --warmups}, 2): the first runs the counting variants, the others the timed ones; then the
 * measurements take turns for {@code --rounds} rounds, each round starting with the next one, and
 * the medians are compared.
 *
 * <ul>
 *   <li>(a) a raw KafkaConsumer: the physical limit, the baseline ({@link RawConsumerRead})
 *   <li>(b) the job's core, source → parse → windows with discarding sinks ({@link SluiceJobCore})
 *   <li>(c) the full job with both sinks on, PostgreSQL and Redis ({@link SluiceJobFull})
 *   <li>(d) a typical DataStream job ({@link TypicalDataStreamJob})
 *   <li>(e) the same aggregation in Flink SQL ({@link TypicalSqlJob})
 * </ul>
 *
 * <pre>
 * bench/job-throughput.sh [--records N] [--rounds R] [--warmups W] [--parallelism P] [--only a,b,c,d,e] [--profile FILE.jfr]
 *                         [--job.KEY VALUE]...
 * </pre>
 *
 * <p>{@code --profile FILE.jfr} records the timed rounds (not the warm-up) with the JDK Flight
 * Recorder and prints where the CPU samples fall ({@link JfrProfile}). {@code --job.KEY VALUE} (or
 * {@code --redis.KEY VALUE}) sets a key of conf/sluice.properties for (b) and (c) only, such as
 * {@code --job.checkpoint.interval.ms 1000} or {@code --job.state.backend rocksdb}.
 *
 * <p>Each run prints two CPU figures a reading: this JVM's (the job, start-up included), and the
 * whole machine's busy time over the run, which adds the broker, PostgreSQL and Redis (and anything
 * else running): on 2 shared cores, the full job's rate is bounded by the latter.
 */
public final class JobThroughputBench {
    static final String TOPIC = "bench.job.readings";

    /**
     * The plant: 10,000 tags; the default interval (100 ms) gives ten readings a second
     * each.
     */
    static final int TAGS = 10_000;

    /** All five of issue 3's measurements, registered or not, by letter. */
    static final Map<String, String> WHAT = new LinkedHashMap<>();

    static {
        WHAT.put("a", "raw KafkaConsumer");
        WHAT.put("b", "job core (discard sinks)");
        WHAT.put("c", "full job (both sinks)");
        WHAT.put("d", "typical DataStream job");
        WHAT.put("e", "typical Flink SQL job");
        WHAT.put("b-rocksdb", "job core, RocksDB");
        WHAT.put("c-rocksdb", "full job, RocksDB");
        WHAT.put("d-rocksdb", "typical DataStream, RocksDB");
        WHAT.put("e-rocksdb", "typical SQL job, RocksDB");
    }

    /** What runs without --only: issue 3's five. */
    static final String DEFAULT_ONLY = "a,b,c,d,e";

    /**
     * The measurements, by letter.
     *
     * @param services the services process: the broker, and PostgreSQL and Redis when (c) runs
     * @param job keys of conf/sluice.properties to set for (b) and (c), over the job's defaults
     */
    static Map<String, Measurement> measurements(
            ServicesProcess services, Map<String, String> job) {
        Map<String, Measurement> m = new LinkedHashMap<>();
        m.put("a", new RawConsumerRead());
        m.put("b", new SluiceJobCore(job)); // source -> parse -> windows, discarding sinks
        m.put("c", new SluiceJobFull(services, job)); // the full job, PostgreSQL and Redis sinks on
        m.put("d", new TypicalDataStreamJob("hashmap"));
        m.put("e", new TypicalSqlJob("hashmap"));
        Map<String, String> rocksdb = new LinkedHashMap<>(job);
        rocksdb.put(ConfigKeys.JOB_STATE_BACKEND, "rocksdb");
        m.put("b-rocksdb", new SluiceJobCore(rocksdb));
        m.put("c-rocksdb", new SluiceJobFull(services, rocksdb));
        m.put("d-rocksdb", new TypicalDataStreamJob("rocksdb"));
        m.put("e-rocksdb", new TypicalSqlJob("rocksdb"));
        return m;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = SluiceConfig.flagsOf(args);
        long records = Long.parseLong(flags.getOrDefault("records", "5000000"));
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "3"));
        int warmups = Integer.parseInt(flags.getOrDefault("warmups", "2"));
        if (warmups < 1) {
            throw new IllegalArgumentException("--warmups must be at least 1 (the counting run)");
        }
        int parallelism = Integer.parseInt(flags.getOrDefault("parallelism", "2"));
        Path profile = flags.containsKey("profile") ? Path.of(flags.get("profile")) : null;
        // --job.KEY VALUE (and --redis.KEY VALUE): a job setting for (b) and (c), to see what it
        // costs.
        Map<String, String> job = new LinkedHashMap<>();
        flags.forEach(
                (key, value) -> {
                    if (key.startsWith("job.") || key.startsWith("redis.")) {
                        job.put(key, value);
                    }
                });
        Set<String> only;
        try {
            only = only(flags.getOrDefault("only", DEFAULT_ONLY));
        } catch (ConfigException e) {
            System.err.println("job-throughput: " + e.getMessage());
            System.exit(2);
            return;
        }

        // (c) writes into PostgreSQL and Redis: they run in the same services process as the
        // broker.
        String[] services =
                only.contains("c") || only.contains("c-rocksdb")
                        ? new String[] {"kafka", "postgres", "redis"}
                        : new String[] {"kafka"};
        try (ServicesProcess broker = ServicesProcess.start("2g", services)) {
            Map<String, Measurement> registered = measurements(broker, job);
            Map<String, Measurement> selected = new LinkedHashMap<>();
            registered.forEach(
                    (letter, m) -> {
                        if (only.contains(letter)) {
                            selected.put(letter, m);
                        }
                    });
            String bootstrap = broker.address(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
            SimulatorSettings s =
                    SimulatorThroughputBench.settings(bootstrap, TOPIC, TAGS, records);
            System.out.printf(
                    "broker: own JVM (pid %d) at %s; topic %s, %d partitions; %,d readings: %,d tags, %d per tag per second,"
                            + " %,.0f s of event time; %d warm-up and %d timed rounds, Flink parallelism %d%n",
                    broker.pid(),
                    bootstrap,
                    TOPIC,
                    s.partitions(),
                    records,
                    TAGS,
                    1000 / s.intervalMs(),
                    records / (double) TAGS * s.intervalMs() / 1000,
                    warmups,
                    rounds,
                    parallelism);
            System.out.printf(
                    "(a) fetch settings: max.poll.records %,d, max.partition.fetch.bytes %d MiB, fetch.max.bytes %d MiB,"
                            + " receive.buffer.bytes %d MiB%n",
                    RawConsumerRead.MAX_POLL_RECORDS,
                    RawConsumerRead.MAX_PARTITION_FETCH_BYTES >> 20,
                    RawConsumerRead.FETCH_MAX_BYTES >> 20,
                    RawConsumerRead.RECEIVE_BUFFER_BYTES >> 20);
            if (selected.containsKey("b") || selected.containsKey("c")) {
                System.out.println(
                        "(b)(c) the job's defaults: windows 1 s and 1 min, out of orderness 2 s, lateness 5 s, hashmap state,"
                                + " a checkpoint every 10 s (file system, temporary), object reuse; source fetch settings the"
                                + " consumer's defaults, as in (d) and (e)");
                if (!job.isEmpty()) {
                    System.out.println(
                            "(b)(c) job settings from the command line, over those defaults: "
                                    + job);
                }
            }
            if (selected.containsKey("c")) {
                System.out.printf(
                        "(c) PostgreSQL %s and Redis %s in the services process; history upserts in batches of 1,000"
                                + " (one INSERT ... SELECT FROM unnest a batch)%n",
                        broker.address(ConfigKeys.JDBC_URL), broker.address(ConfigKeys.REDIS_URL));
            }

            // Pre-load once, through the simulator's own path (topic preflight, generator,
            // producer).
            double preload = SimulatorThroughputBench.simulator(s);
            PreloadedTopic topic = new PreloadedTopic(bootstrap, TOPIC, s.partitions(), records);
            checkHolds(topic);
            System.out.printf(
                    "pre-load %-28s %,12.0f readings/s (the simulator; not counted)%n",
                    "", preload);

            // Warm-up, untimed: the first round runs the counting variants, which check that
            // nothing is lost; the others run the timed variants, whose code the JIT has not seen
            // yet (a streaming job runs for days: its steady state is the figure).
            for (int w = 0; w < warmups; w++) {
                for (Map.Entry<String, Measurement> e : selected.entrySet()) {
                    Measurement.Timing t =
                            e.getValue()
                                    .run(
                                            topic,
                                            parallelism,
                                            runId(e.getKey(), "warmup" + w),
                                            w == 0);
                    System.out.printf(
                            "warm-up  %-28s %,12.0f readings/s (not counted)  %s%n",
                            label(e.getKey()), t.rate(), t.note());
                }
            }

            List<String> letters = new ArrayList<>(selected.keySet());
            Map<String, double[]> rates = new LinkedHashMap<>();
            Map<String, double[]> cpu = new LinkedHashMap<>();
            Map<String, double[]> machineCpu = new LinkedHashMap<>();
            letters.forEach(l -> rates.put(l, new double[rounds]));
            letters.forEach(l -> cpu.put(l, new double[rounds]));
            letters.forEach(l -> machineCpu.put(l, new double[rounds]));
            JfrProfile recording = profile == null ? null : JfrProfile.start(profile);
            for (int round = 0; round < rounds; round++) {
                // Each round starts with the next measurement, so that none always meets a fresher
                // broker.
                for (int turn = 0; turn < letters.size(); turn++) {
                    String letter = letters.get((round + turn) % letters.size());
                    double cpuStart = SluiceJobRuns.cpuSeconds();
                    long[] machineStart = ProcCpu.machineTicks();
                    Measurement.Timing t =
                            selected.get(letter)
                                    .run(topic, parallelism, runId(letter, "r" + round), false);
                    double usPerReading =
                            (SluiceJobRuns.cpuSeconds() - cpuStart) * 1e6 / t.readings();
                    long[] machineEnd = ProcCpu.machineTicks();
                    double machineUs =
                            (machineEnd[0] - machineStart[0])
                                    / ProcCpu.TICKS_PER_SECOND
                                    * 1e6
                                    / t.readings();
                    rates.get(letter)[round] = t.rate();
                    cpu.get(letter)[round] = usPerReading;
                    machineCpu.get(letter)[round] = machineUs;
                    System.out.printf(
                            "round %d  %-34s %,12.0f readings/s  CPU %.2f µs a reading, machine"
                                    + " %.2f (%.0f%% busy)  %s%n",
                            round + 1,
                            label(letter),
                            t.rate(),
                            usPerReading,
                            machineUs,
                            100 * ProcCpu.busyShare(machineStart, machineEnd),
                            t.note());
                }
            }
            if (recording != null) {
                recording.close();
            }

            Map<String, Double> medians = new LinkedHashMap<>();
            rates.forEach((l, r) -> medians.put(l, Medians.of(r)));
            for (String letter : WHAT.keySet()) {
                if (medians.containsKey(letter)) {
                    String note = "";
                    if (letter.equals("a")) {
                        note = "  (baseline: the physical limit)";
                    } else if (letter.startsWith("c")) {
                        note =
                                String.format(
                                        "  (%,.0f window rows/s into PostgreSQL)",
                                        medians.get(letter)
                                                * ((SluiceJobFull) selected.get(letter))
                                                        .rowsPerReading());
                    }
                    System.out.printf(
                            "median   %-34s %,12.0f readings/s  CPU %.2f µs a reading, machine"
                                    + " %.2f%s%n",
                            label(letter),
                            medians.get(letter),
                            Medians.of(cpu.get(letter)),
                            Medians.of(machineCpu.get(letter)),
                            note);
                } else if (only.contains(letter) || DEFAULT_ONLY.contains(letter)) {
                    System.out.printf(
                            "median   %-34s %12s  (left out by --only)%n",
                            label(letter), "not run");
                }
            }
            // Issue 14's targets, then the record.
            ratio(medians, "b", "d", "target >= 2.0");
            ratio(medians, "b", "e", "target >= 2.5");
            ratio(medians, "c", "b", "target >= 0.6");
            ratio(medians, "b-rocksdb", "d-rocksdb", "target >= 2.0");
            ratio(medians, "b-rocksdb", "e-rocksdb", "target >= 2.5");
            ratio(medians, "c-rocksdb", "b-rocksdb", "target >= 0.6");
            ratio(medians, "b", "a", "for the record: the raw read varies from round to round");
            ratio(medians, "c", "a", null);
            ratio(medians, "d", "a", "issue 3 measured 0.25");
            ratio(medians, "e", "a", "issue 3 measured 0.21");
            if (recording != null) {
                JfrProfile.summarise(recording.file(), System.out);
            }
        }
    }

    /** The letters of --only, checked against the five the issue names. */
    static Set<String> only(String list) {
        Set<String> letters = new LinkedHashSet<>();
        for (String part : list.split(",")) {
            String letter = part.trim().toLowerCase();
            if (!WHAT.containsKey(letter)) {
                throw new ConfigException(
                        "--only: '" + part + "' is not one of " + String.join(",", WHAT.keySet()));
            }
            letters.add(letter);
        }
        return letters;
    }

    /** A run's id: its own consumer group, checkpoint folder and counting sinks. */
    private static String runId(String letter, String round) {
        return letter + "-" + round;
    }

    static String label(String letter) {
        return "(" + letter + ") " + WHAT.get(letter);
    }

    private static void ratio(
            Map<String, Double> medians, String top, String bottom, String reference) {
        String name = String.format("ratio    %s/%s", top, bottom);
        if (medians.containsKey(top) && medians.containsKey(bottom)) {
            System.out.printf(
                    "%-43s %12.2f%s%n",
                    name,
                    medians.get(top) / medians.get(bottom),
                    reference == null ? "" : "  (" + reference + ")");
        } else {
            System.out.printf("%-43s %12s%n", name, "n/a");
        }
    }

    /** Fails unless the topic's end offsets add up to the readings sent: every run relies on it. */
    private static void checkHolds(PreloadedTopic topic) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(RawConsumerRead.properties(topic, "check"))) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic.topic()).stream()
                            .map(p -> new TopicPartition(topic.topic(), p.partition()))
                            .toList();
            long total =
                    consumer.endOffsets(partitions).values().stream()
                            .mapToLong(Long::longValue)
                            .sum();
            if (total != topic.records() || partitions.size() != topic.partitions()) {
                throw new IllegalStateException(
                        "topic "
                                + topic.topic()
                                + " holds "
                                + total
                                + " records in "
                                + partitions.size()
                                + " partitions, expected "
                                + topic.records()
                                + " in "
                                + topic.partitions());
            }
        }
    }

    private JobThroughputBench() {}
}
