package io.sluice.bench;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.reading.ReadingCodec;
import io.sluice.simulator.ProducerFactory;
import io.sluice.simulator.ReadingGenerator;
import io.sluice.simulator.RunSummary;
import io.sluice.simulator.SimulatedRecord;
import io.sluice.simulator.Simulator;
import io.sluice.simulator.SimulatorSettings;
import io.sluice.simulator.TopicPreflight;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 2's benchmark: the simulator's throughput into a broker in its own process, against a raw
 * KafkaProducer sending pre-built records of the same sizes with the same settings.
 *
 * <p>Both send the same number of records, each timed from the first send to the end of the flush.
 * They take turns, round by round, and the medians are compared. The simulator runs through {@link
 * Simulator#run}, the path the command takes, with the rate set to max.
 *
 * <pre>
 * bench/simulator-throughput.sh [--records N] [--rounds R] [--tags T]
 * </pre>
 */
public final class SimulatorThroughputBench {
    /**
     * Distinct pre-built records the raw producer cycles through: enough to defeat caches, small in
     * heap.
     */
    private static final int POOL = 200_000;

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = SluiceConfig.flagsOf(args);
        long records = Long.parseLong(flags.getOrDefault("records", "5000000"));
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "3"));
        int tags = Integer.parseInt(flags.getOrDefault("tags", "10000"));

        try (ServicesProcess broker = ServicesProcess.start("2g", "kafka")) {
            String bootstrap = broker.address(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
            System.out.printf(
                    "broker: own JVM (pid %d) at %s; %,d records a run, %d tags, 4 partitions, %d rounds%n",
                    broker.pid(), bootstrap, records, tags, rounds);
            // Warm-up, untimed: both paths through the JIT before either is measured.
            for (String kind : List.of("raw", "sim")) {
                SimulatorSettings w =
                        settings(
                                bootstrap,
                                "bench.warmup." + kind,
                                tags,
                                Math.min(records, 1_000_000));
                TopicPreflight.ensureTopic(w);
                double rate = kind.equals("raw") ? rawProducer(w, w.count()) : simulator(w);
                System.out.printf(
                        "warm-up  %-14s %,12.0f readings/s (not counted)%n",
                        kind.equals("raw") ? "raw producer" : "simulator", rate);
            }
            double[] raw = new double[rounds];
            double[] sim = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                // Alternate who goes first, so that neither always meets a fresher broker.
                for (int turn = 0; turn < 2; turn++) {
                    boolean rawTurn = (round + turn) % 2 == 0;
                    SimulatorSettings s =
                            settings(
                                    bootstrap,
                                    (rawTurn ? "bench.raw." : "bench.sim.") + round,
                                    tags,
                                    records);
                    TopicPreflight.ensureTopic(s);
                    if (rawTurn) {
                        raw[round] = rawProducer(s, records);
                        System.out.printf(
                                "round %d  raw producer   %,12.0f readings/s%n",
                                round + 1, raw[round]);
                    } else {
                        sim[round] = simulator(s);
                        System.out.printf(
                                "round %d  simulator      %,12.0f readings/s%n",
                                round + 1, sim[round]);
                    }
                }
            }
            double rawMedian = Medians.of(raw);
            double simMedian = Medians.of(sim);
            System.out.printf(
                    "median   raw producer   %,12.0f readings/s  (baseline: pre-built byte arrays, same producer settings)%n",
                    rawMedian);
            System.out.printf(
                    "median   simulator      %,12.0f readings/s  (generate + encode + send)%n",
                    simMedian);
            System.out.printf(
                    "ratio    simulator/raw  %12.2f  (target >= 0.50)%n", simMedian / rawMedian);
        }
    }

    static SimulatorSettings settings(String bootstrap, String topic, int tags, long records) {
        SluiceConfig config =
                SluiceConfig.load(
                        Map.of(),
                        Map.of(
                                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
                                bootstrap,
                                ConfigKeys.KAFKA_TOPIC_PARTITIONS,
                                "4",
                                ConfigKeys.KAFKA_TOPIC_READINGS,
                                topic,
                                ConfigKeys.SIMULATOR_TAGS,
                                Integer.toString(tags),
                                ConfigKeys.SIMULATOR_RATE,
                                "max",
                                ConfigKeys.SIMULATOR_COUNT,
                                Long.toString(records),
                                ConfigKeys.SIMULATOR_START_TIME,
                                "2026-11-26T00:00:00Z"));
        return SimulatorSettings.fromConfig(config, Clock.systemUTC());
    }

    /** The simulator's own path: plant, signals, encoding and send, timed by its run summary. */
    static double simulator(SimulatorSettings s) {
        Simulator simulator =
                new Simulator(s, ReadingCodec.withDefaults(), new PrintWriter(Writer.nullWriter()));
        RunSummary summary = simulator.run(new AtomicBoolean());
        if (summary.failed() > 0 || summary.acked() != s.count()) {
            throw new IllegalStateException("the simulator lost records: " + summary);
        }
        return summary.rate();
    }

    /** The baseline: records generated before the clock starts, so only the send is timed. */
    static double rawProducer(SimulatorSettings s, long records) {
        ReadingGenerator generator = Simulator.generator(s, ReadingCodec.withDefaults());
        byte[][] keys = new byte[POOL][];
        byte[][] values = new byte[POOL][];
        SimulatedRecord r = new SimulatedRecord();
        for (int i = 0; i < POOL; i++) {
            generator.next(r);
            keys[i] = r.key;
            values[i] = r.value.clone();
        }
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = ProducerFactory.create(s)) {
            long start = System.nanoTime();
            for (long n = 0; n < records; n++) {
                int i = (int) (n % POOL);
                producer.send(
                        new ProducerRecord<>(s.topic(), null, keys[i], values[i]),
                        (m, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " raw sends failed");
            }
            return records / seconds;
        }
    }

    private SimulatorThroughputBench() {}
}
