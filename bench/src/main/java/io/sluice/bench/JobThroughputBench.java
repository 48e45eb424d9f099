package io.sluice.bench;

import io.sluice.config.ConfigException;
import io.sluice.config.SluiceConfig;
import io.sluice.simulator.SimulatorSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Issue 3's job benchmark: how fast readings go through the job, against a raw KafkaConsumer
 * and against the usual ways of writing the same aggregation, all reading one pre-loaded topic.
 *
 * <p>The topic is written once by the simulator (10,000 tags, ten readings per tag per second of
 * event time, no faults), then every measurement reads all of it from the earliest offset, with
 * a fresh consumer group or none, and must see every reading. An untimed warm-up round goes
 * first and also runs the counting variants; then the measurements take turns for
 * {@code --rounds} rounds, each round starting with the next one, and the medians are compared.
 *
 * <ul>
 *   <li>(a) a raw KafkaConsumer: the physical limit, the baseline ({@link RawConsumerRead})
 *   <li>(b) the job's core, source → parse → windows with discarding sinks: not built yet
 *   <li>(c) the full job with both sinks on: not built yet
 *   <li>(d) a typical DataStream job ({@link TypicalDataStreamJob})
 *   <li>(e) the same aggregation in Flink SQL ({@link TypicalSqlJob})
 * </ul>
 *
 * <pre>
 * bench/job-throughput.sh [--records N] [--rounds R] [--parallelism P] [--only a,d,e]
 * </pre>
 */
public final class JobThroughputBench {
  static final String TOPIC = "bench.job.readings";
  /** The plant: 10,000 tags; the default interval (100 ms) gives ten readings a second each. */
  static final int TAGS = 10_000;

  /** All five of issue 3's measurements, registered or not, by letter. */
  static final Map<String, String> WHAT = new LinkedHashMap<>();

  static {
    WHAT.put("a", "raw KafkaConsumer");
    WHAT.put("b", "job core (discard sinks)");
    WHAT.put("c", "full job (both sinks)");
    WHAT.put("d", "typical DataStream job");
    WHAT.put("e", "typical Flink SQL job");
  }

  /**
   * The measurements that exist so far, by letter.
   *
   * <p>Extension point for (b) and (c), once {@code io.sluice.job.SluiceJob} exists (module
   * {@code job}, artifact io.sluice:sluice-job): add a {@link Measurement} for each and register
   * it here under "b" and "c". Until then they print "not run", and their ratios "n/a".
   */
  static Map<String, Measurement> measurements() {
    Map<String, Measurement> m = new LinkedHashMap<>();
    m.put("a", new RawConsumerRead());
    // m.put("b", new SluiceJobCore());   // source -> parse -> windows, discarding sinks
    // m.put("c", new SluiceJobFull());   // the full job, PostgreSQL and Redis sinks on
    m.put("d", new TypicalDataStreamJob());
    m.put("e", new TypicalSqlJob());
    return m;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = SluiceConfig.flagsOf(args);
    long records = Long.parseLong(flags.getOrDefault("records", "5000000"));
    int rounds = Integer.parseInt(flags.getOrDefault("rounds", "3"));
    int parallelism = Integer.parseInt(flags.getOrDefault("parallelism", "2"));
    Set<String> only;
    try {
      only = only(flags.getOrDefault("only", String.join(",", WHAT.keySet())));
    } catch (ConfigException e) {
      System.err.println("job-throughput: " + e.getMessage());
      System.exit(2);
      return;
    }

    Map<String, Measurement> registered = measurements();
    Map<String, Measurement> selected = new LinkedHashMap<>();
    registered.forEach((letter, m) -> {
      if (only.contains(letter)) {
        selected.put(letter, m);
      }
    });

    try (ServicesProcess broker = ServicesProcess.start("2g", "kafka")) {
      String bootstrap = broker.address("kafka.bootstrap.servers");
      SimulatorSettings s = SimulatorThroughputBench.settings(bootstrap, TOPIC, TAGS, records);
      System.out.printf(
          "broker: own JVM (pid %d) at %s; topic %s, %d partitions; %,d readings: %,d tags, %d per tag per second,"
              + " %,.0f s of event time; %d rounds, Flink parallelism %d%n",
          broker.pid(), bootstrap, TOPIC, s.partitions(), records, TAGS, 1000 / s.intervalMs(),
          records / (double) TAGS * s.intervalMs() / 1000, rounds, parallelism);
      System.out.printf(
          "(a) fetch settings: max.poll.records %,d, max.partition.fetch.bytes %d MiB, fetch.max.bytes %d MiB,"
              + " receive.buffer.bytes %d MiB%n",
          RawConsumerRead.MAX_POLL_RECORDS, RawConsumerRead.MAX_PARTITION_FETCH_BYTES >> 20,
          RawConsumerRead.FETCH_MAX_BYTES >> 20, RawConsumerRead.RECEIVE_BUFFER_BYTES >> 20);

      // Pre-load once, through the simulator's own path (topic preflight, generator, producer).
      double preload = SimulatorThroughputBench.simulator(s);
      PreloadedTopic topic = new PreloadedTopic(bootstrap, TOPIC, s.partitions(), records);
      checkHolds(topic);
      System.out.printf("pre-load %-28s %,12.0f readings/s (the simulator; not counted)%n", "", preload);

      // Warm-up, untimed: the JIT warms, and the counting variants check that nothing is lost.
      for (Map.Entry<String, Measurement> e : selected.entrySet()) {
        Measurement.Timing t = e.getValue().run(topic, parallelism, "warmup", true);
        System.out.printf("warm-up  %-28s %,12.0f readings/s (not counted)  %s%n", label(e.getKey()), t.rate(), t.note());
      }

      List<String> letters = new ArrayList<>(selected.keySet());
      Map<String, double[]> rates = new LinkedHashMap<>();
      letters.forEach(l -> rates.put(l, new double[rounds]));
      for (int round = 0; round < rounds; round++) {
        // Each round starts with the next measurement, so that none always meets a fresher broker.
        for (int turn = 0; turn < letters.size(); turn++) {
          String letter = letters.get((round + turn) % letters.size());
          Measurement.Timing t = selected.get(letter).run(topic, parallelism, "r" + round, false);
          rates.get(letter)[round] = t.rate();
          System.out.printf("round %d  %-28s %,12.0f readings/s  %s%n", round + 1, label(letter), t.rate(), t.note());
        }
      }

      Map<String, Double> medians = new LinkedHashMap<>();
      rates.forEach((l, r) -> medians.put(l, Medians.of(r)));
      for (String letter : WHAT.keySet()) {
        if (medians.containsKey(letter)) {
          System.out.printf("median   %-28s %,12.0f readings/s%s%n", label(letter), medians.get(letter),
              letter.equals("a") ? "  (baseline: the physical limit)" : "");
        } else {
          System.out.printf("median   %-28s %12s  (%s)%n", label(letter), "not run",
              registered.containsKey(letter) ? "left out by --only" : "not built yet: needs io.sluice.job.SluiceJob");
        }
      }
      ratio(medians, "b", "a", null);
      ratio(medians, "c", "a", null);
      ratio(medians, "b", "d", null);
      ratio(medians, "b", "e", null);
      ratio(medians, "d", "a", "issue 3 measured 0.25");
      ratio(medians, "e", "a", "issue 3 measured 0.21");
    }
  }

  /** The letters of --only, checked against the five the issue names. */
  static Set<String> only(String list) {
    Set<String> letters = new LinkedHashSet<>();
    for (String part : list.split(",")) {
      String letter = part.trim().toLowerCase();
      if (!WHAT.containsKey(letter)) {
        throw new ConfigException("--only: '" + part + "' is not one of " + String.join(",", WHAT.keySet()));
      }
      letters.add(letter);
    }
    return letters;
  }

  static String label(String letter) {
    return "(" + letter + ") " + WHAT.get(letter);
  }

  private static void ratio(Map<String, Double> medians, String top, String bottom, String reference) {
    String name = String.format("ratio    %s/%s", top, bottom);
    if (medians.containsKey(top) && medians.containsKey(bottom)) {
      System.out.printf("%-37s %12.2f%s%n", name, medians.get(top) / medians.get(bottom),
          reference == null ? "" : "  (" + reference + ")");
    } else {
      System.out.printf("%-37s %12s%n", name, "n/a");
    }
  }

  /** Fails unless the topic's end offsets add up to the readings sent: every run relies on it. */
  private static void checkHolds(PreloadedTopic topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(RawConsumerRead.properties(topic, "check"))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.topic()).stream().map(p -> new TopicPartition(topic.topic(), p.partition())).toList();
      long total = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
      if (total != topic.records() || partitions.size() != topic.partitions()) {
        throw new IllegalStateException(
            "topic " + topic.topic() + " holds " + total + " records in " + partitions.size() + " partitions, expected "
                + topic.records() + " in " + topic.partitions());
      }
    }
  }

  private JobThroughputBench() {}
}
