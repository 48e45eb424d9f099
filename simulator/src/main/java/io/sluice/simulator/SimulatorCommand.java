package io.sluice.simulator;

import io.sluice.config.ConfigCommandLine;
import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.reading.ReadingCodec;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The simulator's command line. Each flag stands for one configuration key (its descriptionKey), so
 * a flag, the environment and conf/sluice.properties all set the same thing.
 */
@Command(
        name = "simulator",
        mixinStandardHelpOptions = true,
        version = "sluice-simulator 0.1",
        sortOptions = false,
        description = "Produces a deterministic SCADA firehose of readings to Kafka.",
        footer =
                "Every flag can also be set in conf/sluice.properties or as an environment variable (SLUICE_SIMULATOR_TAGS, ...).")
public final class SimulatorCommand implements Callable<Integer> {
    @Option(
            names = "--bootstrap-servers",
            descriptionKey = ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--topic",
            descriptionKey = ConfigKeys.KAFKA_TOPIC_READINGS,
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--partitions",
            descriptionKey = ConfigKeys.KAFKA_TOPIC_PARTITIONS,
            description = "Partitions if the topic is created (default: ${DEFAULT-VALUE}).")
    String partitions;

    @Option(
            names = "--tags",
            descriptionKey = ConfigKeys.SIMULATOR_TAGS,
            description = "Number of tags (default: ${DEFAULT-VALUE}).")
    String tags;

    @Option(
            names = "--interval-ms",
            descriptionKey = ConfigKeys.SIMULATOR_INTERVAL_MS,
            description =
                    "Event-time ms between two readings of a tag (default: ${DEFAULT-VALUE}).")
    String intervalMs;

    @Option(
            names = "--rate",
            descriptionKey = ConfigKeys.SIMULATOR_RATE,
            paramLabel = "N|realtime|max",
            description = "Records per second (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(
            names = "--count",
            descriptionKey = ConfigKeys.SIMULATOR_COUNT,
            description =
                    "Stop after this many records, 0 for no limit (default: ${DEFAULT-VALUE}).")
    String count;

    @Option(
            names = "--duration",
            descriptionKey = ConfigKeys.SIMULATOR_DURATION,
            paramLabel = "30s|5m|PT1H",
            description = "Stop after this long (default: run until stopped).")
    String duration;

    @Option(
            names = "--seed",
            descriptionKey = ConfigKeys.SIMULATOR_SEED,
            description = "Seed (default: ${DEFAULT-VALUE}).")
    String seed;

    @Option(
            names = "--start-time",
            descriptionKey = ConfigKeys.SIMULATOR_START_TIME,
            paramLabel = "now|ISO|MILLIS",
            description = "Event time of the first reading (default: ${DEFAULT-VALUE}).")
    String startTime;

    @Option(
            names = "--out-of-order",
            descriptionKey = ConfigKeys.SIMULATOR_FAULTS_OUT_OF_ORDER_FRACTION,
            paramLabel = "FRACTION",
            description =
                    "Fraction sent out of order within the bound (default: ${DEFAULT-VALUE}).")
    String outOfOrder;

    @Option(
            names = "--out-of-order-bound-ms",
            descriptionKey = ConfigKeys.SIMULATOR_FAULTS_OUT_OF_ORDER_BOUND_MS,
            description = "The out-of-order bound (default: ${DEFAULT-VALUE}).")
    String outOfOrderBound;

    @Option(
            names = "--late",
            descriptionKey = ConfigKeys.SIMULATOR_FAULTS_LATE_FRACTION,
            paramLabel = "FRACTION",
            description = "Fraction sent later than the bound (default: ${DEFAULT-VALUE}).")
    String late;

    @Option(
            names = "--late-max-ms",
            descriptionKey = ConfigKeys.SIMULATOR_FAULTS_LATE_MAX_MS,
            description = "Largest delay of a late reading (default: ${DEFAULT-VALUE}).")
    String lateMax;

    @Option(
            names = "--duplicates",
            descriptionKey = ConfigKeys.SIMULATOR_FAULTS_DUPLICATE_FRACTION,
            paramLabel = "FRACTION",
            description = "Fraction sent twice (default: ${DEFAULT-VALUE}).")
    String duplicates;

    @Option(
            names = "--malformed",
            descriptionKey = ConfigKeys.SIMULATOR_FAULTS_MALFORMED_FRACTION,
            paramLabel = "FRACTION",
            description = "Fraction followed by a malformed record (default: ${DEFAULT-VALUE}).")
    String malformed;

    @Option(
            names = "--copy-to",
            descriptionKey = ConfigKeys.SIMULATOR_COPY_FILE,
            paramLabel = "FILE",
            description = "Also write every valid reading to this NDJSON file.")
    String copyTo;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final SluiceConfig defaults;

    SimulatorCommand(SluiceConfig defaults) {
        this.defaults = defaults;
    }

    public static void main(String[] args) {
        System.exit(
                execute(
                        args,
                        new PrintWriter(System.out, true),
                        new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code: 0 done, 1 failed, 2 bad usage. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return ConfigCommandLine.execute("simulator", SimulatorCommand::new, args, out, err);
    }

    @Override
    public Integer call() {
        SluiceConfig config = ConfigCommandLine.withFlags(defaults, spec);
        SimulatorSettings settings = SimulatorSettings.fromConfig(config, Clock.systemUTC());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "simulator: %,d tags every %d ms, %s, to %s at %s%n",
                settings.tags(),
                settings.intervalMs(),
                settings.unthrottled()
                        ? "as fast as possible"
                        : String.format("%,.0f records/s", settings.ratePerSecond()),
                settings.topic(),
                settings.bootstrapServers());

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            stop.set(true);
                            try {
                                finished.await(); // let the run flush and print its summary before
                                // the JVM goes
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            RunSummary summary =
                    new Simulator(settings, ReadingCodec.fromConfig(config), out).run(stop);
            out.println(summary);
            return summary.failed() == 0 ? 0 : 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is waiting for us, which countDown has released
            }
        }
    }
}
