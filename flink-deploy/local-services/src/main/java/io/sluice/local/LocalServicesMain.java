package io.sluice.local;

import io.sluice.config.ConfigCommandLine;
import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Runs embedded services in a process of their own, for benchmarks ("the broker in its own JVM")
 * and for people.
 *
 * <pre>
 * java -jar sluice-local-services-VERSION-shaded.jar [kafka] [postgres] [redis]
 *      [--topic NAME:PARTITIONS]... [--kafka-port N] [--postgres-port N] [--redis-port N]
 *      [--data-dir DIR] [--ignore-stdin] [--verbose]
 * </pre>
 *
 * <p>Without a service name it starts all three. On standard output it prints one {@code key=value}
 * line per address, with the keys of conf/sluice.properties, then {@code ready}; nothing else goes
 * there (logs go to standard error), so a parent process can read it. It runs until SIGTERM/SIGINT
 * or until its standard input reaches end-of-file, so a parent stops it by closing the pipe; either
 * way it stops the services and deletes its data folder. Standard input is not watched when it is
 * /dev/null (a background job) or with {@code --ignore-stdin}.
 *
 * <p>The command line is picocli's, through {@link ConfigCommandLine} as for every Sluice program:
 * a configured address ({@code --kafka.bootstrap.servers=host:9092}, or
 * SLUICE_KAFKA_BOOTSTRAP_SERVERS) is passed through instead of embedding that service. An error is
 * one line on standard error and exit status 1 (2 for a wrong command line).
 */
@Command(
        name = "local-services",
        mixinStandardHelpOptions = true,
        version = "sluice-local-services 0.1",
        sortOptions = false,
        description = "Embedded Kafka, PostgreSQL and Redis in a process of their own.",
        footer =
                "Prints key=value lines and 'ready' on stdout; runs until SIGTERM/SIGINT or the end"
                        + " of stdin. A configured address (--redis.url=redis://host:6379) is used"
                        + " instead of an embedded server.")
public final class LocalServicesMain implements Callable<Integer> {
    /** Logging configuration in this jar: warnings only, on standard error. */
    static final String LOG_CONFIG = "io/sluice/local/local-services-log4j2.xml";

    @Parameters(
            paramLabel = "SERVICE",
            arity = "0..*",
            description = "kafka, postgres, redis (default: all three).")
    List<String> serviceNames = new ArrayList<>();

    @Option(
            names = "--topic",
            paramLabel = "NAME:PARTITIONS",
            description = "Create a topic before 'ready' (repeatable).")
    List<String> topicSpecs = new ArrayList<>();

    @Option(names = "--kafka-port", paramLabel = "N", description = "A fixed port for Kafka.")
    Integer kafkaPort;

    @Option(
            names = "--postgres-port",
            paramLabel = "N",
            description = "A fixed port for PostgreSQL.")
    Integer postgresPort;

    @Option(names = "--redis-port", paramLabel = "N", description = "A fixed port for Redis.")
    Integer redisPort;

    @Option(
            names = "--data-dir",
            descriptionKey = ConfigKeys.LOCAL_DATA_DIR,
            paramLabel = "DIR",
            description = "Make the data folder under DIR (default: java.io.tmpdir).")
    String dataDir;

    @Option(
            names = "--ignore-stdin",
            description = "Run until a signal even if standard input ends.")
    boolean ignoreStdin;

    @Option(
            names = {"-v", "--verbose"},
            description = "The servers' INFO logs on standard error.")
    boolean verbose;

    @Spec CommandSpec spec;

    private final SluiceConfig defaults;

    LocalServicesMain(SluiceConfig defaults) {
        this.defaults = defaults;
    }

    public static void main(String[] args) {
        System.exit(
                ConfigCommandLine.main("local-services", LOG_CONFIG, LocalServicesMain::new, args));
    }

    @Override
    public Integer call() {
        Options options;
        try {
            options = options(ConfigCommandLine.withFlags(defaults, spec));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        System.setProperty("sluice.local.log.level", verbose ? "INFO" : "WARN");
        return run(options, System.in, System.out, System.err);
    }

    /** The checked command line, with the configured addresses. */
    Options options(SluiceConfig config) {
        Options o = new Options(config);
        for (String name : serviceNames) {
            o.services.add(Service.parse(name));
        }
        if (o.services.isEmpty()) {
            o.services = EnumSet.allOf(Service.class);
        }
        putPort(o, Service.KAFKA, kafkaPort, "--kafka-port");
        putPort(o, Service.POSTGRES, postgresPort, "--postgres-port");
        putPort(o, Service.REDIS, redisPort, "--redis-port");
        for (Service s : o.ports.keySet()) {
            if (!o.services.contains(s)) {
                throw new IllegalArgumentException(
                        "a port is given for " + s.displayName() + ", which is not started");
            }
        }
        topicSpecs.forEach(o::addTopic);
        if (!o.topics.isEmpty() && !o.services.contains(Service.KAFKA)) {
            throw new IllegalArgumentException("--topic needs the kafka service");
        }
        o.ignoreStdin = ignoreStdin;
        return o;
    }

    private static void putPort(Options o, Service service, Integer port, String option) {
        if (port == null) {
            return;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                    option + " wants a port number 1..65535, got '" + port + "'");
        }
        o.ports.put(service, port);
    }

    /** Starts, reports, waits, stops; returns the exit status. */
    static int run(Options options, InputStream stdin, PrintStream out, PrintStream err) {
        LocalServices.Builder builder =
                LocalServices.builder(options.config).services(options.services);
        options.ports.forEach(builder::port);
        LocalServices services = builder.build();
        // SIGTERM/SIGINT: the JVM runs this hook, which stops the services and deletes the folder.
        Thread hook = new Thread(services::close, "local-services-stopper");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            services.start();
            for (Map.Entry<String, Integer> topic : options.topics.entrySet()) {
                services.createTopic(topic.getKey(), topic.getValue());
            }
            services.addresses().forEach((key, value) -> out.println(key + "=" + value));
            out.println("ready");
            out.flush();

            if (options.ignoreStdin || isDevNull()) {
                new CountDownLatch(1).await(); // until a signal ends the JVM
            } else {
                drain(stdin);
            }
            services.close();
            return 0;
        } catch (ServiceStartException | IllegalArgumentException | IllegalStateException e) {
            services.close();
            err.println("local-services: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            services.close();
            return 1;
        } catch (RuntimeException e) {
            services.close();
            err.println("local-services: " + e);
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or has run; it closed the services.
            }
        }
    }

    /** Reads standard input to its end; whatever is typed is ignored. */
    private static void drain(InputStream stdin) {
        byte[] buffer = new byte[256];
        try {
            while (stdin.read(buffer) >= 0) {
                // ignore
            }
        } catch (IOException e) {
            // A broken pipe means the parent is gone: stop as at end-of-file.
        }
    }

    /** True on Linux when standard input is /dev/null, where end-of-file would come at once. */
    private static boolean isDevNull() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/0"))
                    .toString()
                    .equals("/dev/null");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The checked command line. */
    static final class Options {
        final SluiceConfig config;
        Set<Service> services = EnumSet.noneOf(Service.class);
        final Map<String, Integer> topics = new LinkedHashMap<>();
        final Map<Service, Integer> ports = new EnumMap<>(Service.class);
        boolean ignoreStdin;

        Options(SluiceConfig config) {
            this.config = config;
        }

        private void addTopic(String spec) {
            int colon = spec.lastIndexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            int partitions = 1;
            if (colon >= 0) {
                try {
                    partitions = Integer.parseInt(spec.substring(colon + 1));
                } catch (NumberFormatException e) {
                    partitions = 0;
                }
            }
            if (name.isEmpty() || partitions < 1) {
                throw new IllegalArgumentException(
                        "--topic wants NAME:PARTITIONS, got '" + spec + "'");
            }
            topics.put(name, partitions);
        }
    }
}
