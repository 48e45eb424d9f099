package io.sluice.local;

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
import java.util.concurrent.CountDownLatch;

/**
 * Runs embedded services in a process of their own, for benchmarks ("the broker in its own JVM")
 * and for people.
 *
 * <pre>
 * java -cp CLASSPATH io.sluice.local.LocalServicesMain [kafka] [postgres] [redis]
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
 * <p>An error is one line on standard error and exit status 1 (2 for a wrong command line).
 */
public final class LocalServicesMain {
    /** Logging configuration in this jar: warnings only, on standard error. */
    static final String LOG_CONFIG = "io/sluice/local/local-services-log4j2.xml";

    static final String USAGE =
            "usage: LocalServicesMain [kafka] [postgres] [redis] [--topic NAME:PARTITIONS]..."
                    + " [--kafka-port N] [--postgres-port N] [--redis-port N] [--data-dir DIR]"
                    + " [--ignore-stdin] [--verbose]";

    private LocalServicesMain() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("local-services: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(USAGE);
            return;
        }
        // Before the first logger exists (no static loggers in this class): quiet by default.
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
        System.setProperty("sluice.local.log.level", options.verbose ? "INFO" : "WARN");
        System.exit(run(options, System.in, System.out, System.err));
    }

    /** Starts, reports, waits, stops; returns the exit status. */
    static int run(Options options, InputStream stdin, PrintStream out, PrintStream err) {
        LocalServices.Builder builder = LocalServices.builder().services(options.services);
        options.ports.forEach(builder::port);
        if (options.dataDir != null) {
            builder.dataDirectory(options.dataDir);
        }
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

    /** The parsed command line. */
    static final class Options {
        Set<Service> services = EnumSet.noneOf(Service.class);
        final Map<String, Integer> topics = new LinkedHashMap<>();
        final Map<Service, Integer> ports = new EnumMap<>(Service.class);
        Path dataDir;
        boolean ignoreStdin;
        boolean verbose;
        boolean help;

        static Options parse(String... args) {
            Options o = new Options();
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                switch (arg) {
                    case "--topic":
                        o.addTopic(value != null ? value : next(rest, arg));
                        break;
                    case "--kafka-port":
                        o.ports.put(
                                Service.KAFKA, port(value != null ? value : next(rest, arg), arg));
                        break;
                    case "--postgres-port":
                        o.ports.put(
                                Service.POSTGRES,
                                port(value != null ? value : next(rest, arg), arg));
                        break;
                    case "--redis-port":
                        o.ports.put(
                                Service.REDIS, port(value != null ? value : next(rest, arg), arg));
                        break;
                    case "--data-dir":
                        o.dataDir = Path.of(value != null ? value : next(rest, arg));
                        break;
                    case "--ignore-stdin":
                        o.ignoreStdin = true;
                        break;
                    case "--verbose":
                    case "-v":
                        o.verbose = true;
                        break;
                    case "--help":
                    case "-h":
                        o.help = true;
                        break;
                    default:
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        o.services.add(Service.parse(arg));
                }
            }
            if (o.services.isEmpty()) {
                o.services = EnumSet.allOf(Service.class);
            }
            for (Service s : o.ports.keySet()) {
                if (!o.services.contains(s)) {
                    throw new IllegalArgumentException(
                            "a port is given for " + s.displayName() + ", which is not started");
                }
            }
            if (!o.topics.isEmpty() && !o.services.contains(Service.KAFKA)) {
                throw new IllegalArgumentException("--topic needs the kafka service");
            }
            return o;
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

        private static String next(List<String> rest, String option) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return rest.remove(0);
        }

        private static int port(String text, String option) {
            try {
                int port = Integer.parseInt(text);
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(
                    option + " wants a port number 1..65535, got '" + text + "'");
        }
    }
}
