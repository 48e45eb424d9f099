package io.sluice.local;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.kafka.KafkaTopics;

import org.apache.commons.io.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The Kafka, PostgreSQL and Redis a Sluice program talks to: embedded ones where the configured
 * address is the word {@value #EMBEDDED}, the configured real ones otherwise.
 *
 * <p>Only the wanted services are looked at (the simulator's benchmark wants Kafka alone). A real
 * address is passed through untouched, after a TCP check that it answers, so that a wrong address
 * fails now with its name rather than later inside a client's retry loop. Embedded services keep
 * their data in one new folder ({@code sluice-local-*} under {@code java.io.tmpdir} or a given
 * folder), deleted on {@link #close()}.
 *
 * <p>Lifecycle: build, {@link #start()}, use the resolved addresses, {@link #close()}. The stores
 * start before the broker that feeds them and stop after it. Close is idempotent, and a failed
 * start has already closed whatever it had started.
 */
public final class LocalServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalServices.class);

    /** The configured address that asks for an embedded service. */
    public static final String EMBEDDED = "embedded";

    /** Start order; close goes the other way. */
    private static final List<Service> START_ORDER =
            List.of(Service.POSTGRES, Service.REDIS, Service.KAFKA);

    private static final int REACHABLE_TIMEOUT_MILLIS = 3000;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final Set<Service> wanted;
    private final Map<Service, String> configured;
    private final String configuredJdbcUser;
    private final String configuredJdbcPassword;
    private final Path parentDirectory;
    private final Map<Service, Integer> ports;
    private final boolean checkReachable;
    private final boolean redisCluster;

    private final Map<Service, String> resolved = new EnumMap<>(Service.class);
    private final Map<Service, AutoCloseable> embedded = new EnumMap<>(Service.class);
    private EmbeddedKafka kafka;
    private EmbeddedPostgresServer postgres;
    private Path dataDirectory;
    private boolean started;
    private boolean closed;

    /**
     * The services in {@code wanted}, each address either {@value #EMBEDDED} or a real one. The
     * addresses of unwanted services are not looked at and may be null.
     */
    public LocalServices(
            String kafkaBootstrapServers,
            String jdbcUrl,
            String jdbcUser,
            String jdbcPassword,
            String redisUrl,
            Set<Service> wanted) {
        this(
                builder()
                        .kafkaBootstrapServers(kafkaBootstrapServers)
                        .jdbc(jdbcUrl, jdbcUser, jdbcPassword)
                        .redisUrl(redisUrl)
                        .services(wanted));
    }

    private LocalServices(Builder b) {
        this.wanted = Collections.unmodifiableSet(EnumSet.copyOf(b.wanted));
        this.configured = new EnumMap<>(Service.class);
        configured.put(Service.KAFKA, b.kafkaBootstrapServers);
        configured.put(Service.POSTGRES, b.jdbcUrl);
        configured.put(Service.REDIS, b.redisUrl);
        for (Service s : wanted) {
            if (configured.get(s) == null || configured.get(s).isBlank()) {
                throw new IllegalArgumentException(
                        s.configKey() + " is empty: give an address or '" + EMBEDDED + "'");
            }
            configured.put(s, configured.get(s).trim());
        }
        this.configuredJdbcUser = b.jdbcUser;
        this.configuredJdbcPassword = b.jdbcPassword;
        this.parentDirectory = b.parentDirectory;
        this.ports = new EnumMap<>(b.ports);
        this.checkReachable = b.checkReachable;
        this.redisCluster = b.redisCluster;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the wanted services of a Sluice configuration (keys {@code kafka.bootstrap.servers},
     * {@code jdbc.url}, {@code jdbc.user}, {@code jdbc.password}, {@code redis.url}, and {@code
     * local.data.dir} for where embedded data goes).
     */
    public static LocalServices start(SluiceConfig config, Set<Service> wanted) {
        return builder(config).services(wanted).start();
    }

    /** A builder with the addresses and the data folder of a Sluice configuration. */
    public static Builder builder(SluiceConfig config) {
        Builder b =
                builder()
                        .kafkaBootstrapServers(config.get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS))
                        .jdbc(
                                config.get(ConfigKeys.JDBC_URL),
                                config.get(ConfigKeys.JDBC_USER),
                                config.get(ConfigKeys.JDBC_PASSWORD))
                        .redisUrl(config.get(ConfigKeys.REDIS_URL))
                        .redisCluster(config.getBoolean(ConfigKeys.REDIS_CLUSTER));
        if (config.has(ConfigKeys.LOCAL_DATA_DIR) && config.isSet(ConfigKeys.LOCAL_DATA_DIR)) {
            b.dataDirectory(Path.of(config.get(ConfigKeys.LOCAL_DATA_DIR)));
        }
        return b;
    }

    /** True if the address is the word {@value #EMBEDDED} (in any case). */
    public static boolean isEmbedded(String address) {
        return address != null && address.trim().equalsIgnoreCase(EMBEDDED);
    }

    /**
     * Checks the real addresses and starts the embedded services; on failure closes what it
     * started.
     */
    public synchronized LocalServices start() {
        if (started) {
            throw new IllegalStateException("LocalServices can be started only once");
        }
        started = true;
        try {
            for (Service s : START_ORDER) {
                if (!wanted.contains(s)) {
                    continue;
                }
                if (isEmbedded(configured.get(s))) {
                    resolved.put(s, startEmbedded(s));
                } else {
                    if (checkReachable) {
                        requireReachable(s, configured.get(s));
                    }
                    resolved.put(s, configured.get(s));
                }
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private String startEmbedded(Service s) {
        Path dir = dataDirectory().orElseGet(this::createDataDirectory);
        int port = ports.getOrDefault(s, 0);
        switch (s) {
            case KAFKA:
                kafka = EmbeddedKafka.builder(dir.resolve("kafka")).port(port).build();
                embedded.put(s, kafka);
                return kafka.start().bootstrapServers();
            case POSTGRES:
                postgres =
                        EmbeddedPostgresServer.builder(dir.resolve("postgres")).port(port).build();
                embedded.put(s, postgres);
                return postgres.start().jdbcUrl();
            case REDIS:
                if (redisCluster) {
                    EmbeddedRedisCluster cluster =
                            new EmbeddedRedisCluster(dir.resolve("redis-cluster"), 3);
                    embedded.put(s, cluster);
                    return cluster.start().redisUrl();
                }
                EmbeddedRedisServer redis =
                        EmbeddedRedisServer.builder(dir.resolve("redis")).port(port).build();
                embedded.put(s, redis);
                return redis.start().redisUrl();
            default:
                throw new IllegalArgumentException(s.toString());
        }
    }

    private Path createDataDirectory() {
        Path parent =
                parentDirectory != null
                        ? parentDirectory
                        : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(parent);
            dataDirectory = Files.createTempDirectory(parent, "sluice-local-");
            return dataDirectory;
        } catch (IOException e) {
            throw new ServiceStartException(
                    "Cannot create a data folder for the embedded services under " + parent + ".",
                    e);
        }
    }

    private static void requireReachable(Service s, String address) {
        List<InetSocketAddress> servers;
        try {
            switch (s) {
                case KAFKA:
                    servers = Net.kafkaServers(address);
                    break;
                case POSTGRES:
                    servers = Net.postgresServers(address);
                    break;
                default:
                    servers = Net.redisServers(address);
            }
        } catch (IllegalArgumentException e) {
            throw new ServiceStartException(
                    s.displayName()
                            + " address '"
                            + address
                            + "' ("
                            + s.configKey()
                            + ") is neither '"
                            + EMBEDDED
                            + "' nor a valid address.",
                    e);
        }
        String reason = null;
        for (InetSocketAddress server : servers) {
            reason =
                    Net.unreachableReason(
                            server.getHostString(), server.getPort(), REACHABLE_TIMEOUT_MILLIS);
            if (reason == null) {
                return;
            }
        }
        if (reason != null) {
            throw new ServiceStartException(
                    s.displayName()
                            + " at "
                            + address
                            + " ("
                            + s.configKey()
                            + ") is not reachable: "
                            + reason
                            + ".");
        }
    }

    /** host:port,... of the embedded broker or the configured cluster. */
    public String kafkaBootstrapServers() {
        return address(Service.KAFKA);
    }

    public String jdbcUrl() {
        return address(Service.POSTGRES);
    }

    public String jdbcUser() {
        address(Service.POSTGRES);
        return postgres != null ? postgres.user() : configuredJdbcUser;
    }

    public String jdbcPassword() {
        address(Service.POSTGRES);
        return postgres != null ? postgres.password() : configuredJdbcPassword;
    }

    public String redisUrl() {
        return address(Service.REDIS);
    }

    /** The services this was asked for. */
    public Set<Service> services() {
        return wanted;
    }

    /** True if this started the service itself (its address was {@value #EMBEDDED}). */
    public synchronized boolean isEmbedded(Service s) {
        return embedded.containsKey(s);
    }

    /** The folder of the embedded services' data; empty when every wanted service is a real one. */
    public synchronized Optional<Path> dataDirectory() {
        return Optional.ofNullable(dataDirectory);
    }

    /**
     * The resolved addresses under their configuration keys, in the order kafka, jdbc, redis (jdbc
     * with its user and password): what LocalServicesMain prints.
     */
    public synchronized Map<String, String> addresses() {
        requireStarted();
        Map<String, String> out = new LinkedHashMap<>();
        if (resolved.containsKey(Service.KAFKA)) {
            out.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafkaBootstrapServers());
        }
        if (resolved.containsKey(Service.POSTGRES)) {
            out.put(ConfigKeys.JDBC_URL, jdbcUrl());
            out.put(ConfigKeys.JDBC_USER, nullToEmpty(jdbcUser()));
            out.put(ConfigKeys.JDBC_PASSWORD, nullToEmpty(jdbcPassword()));
        }
        if (resolved.containsKey(Service.REDIS)) {
            out.put(ConfigKeys.REDIS_URL, redisUrl());
        }
        return out;
    }

    /** The configuration with the {@value #EMBEDDED} addresses replaced by the started ones. */
    public SluiceConfig resolve(SluiceConfig config) {
        SluiceConfig out = config;
        for (Map.Entry<String, String> e : addresses().entrySet()) {
            out = out.with(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * Creates a topic on the broker, embedded or real (its default replication factor), and waits
     * until each partition has a leader; an existing topic is left as it is.
     */
    public void createTopic(String name, int partitions) {
        EmbeddedKafka k;
        synchronized (this) {
            address(Service.KAFKA);
            k = kafka;
        }
        if (k != null) {
            k.createTopic(name, partitions);
        } else {
            KafkaTopics.create(kafkaBootstrapServers(), name, partitions, TOPIC_TIMEOUT);
        }
    }

    /**
     * Restarts an embedded Redis or PostgreSQL on the same address, as an operator would, to test
     * how their clients recover: Redis comes back empty (it persists nothing), PostgreSQL with its
     * data. Blocks until the service accepts connections again.
     *
     * @throws IllegalStateException if the service is a real one, or Kafka
     */
    public void restart(Service s) {
        AutoCloseable service;
        synchronized (this) {
            address(s);
            service = embedded.get(s);
        }
        if (service instanceof EmbeddedRedisServer redis) {
            redis.restart();
        } else if (service instanceof EmbeddedPostgresServer pg) {
            pg.restart();
        } else {
            throw new IllegalStateException(
                    "Only an embedded Redis or PostgreSQL can be restarted, not "
                            + s.displayName());
        }
    }

    /** Stops the embedded services (Kafka first) and deletes their data folder; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Service> order = new ArrayList<>(START_ORDER);
        Collections.reverse(order);
        for (Service s : order) {
            AutoCloseable service = embedded.get(s);
            if (service != null) {
                try {
                    service.close();
                } catch (Exception e) {
                    LOG.warn("Error while stopping embedded {}: {}", s.displayName(), e.toString());
                }
            }
        }
        if (dataDirectory != null) {
            try {
                FileUtils.deleteDirectory(dataDirectory.toFile());
            } catch (IOException e) {
                LOG.warn("Could not delete {}: {}", dataDirectory, e.toString());
            }
        }
    }

    private synchronized String address(Service s) {
        if (!wanted.contains(s)) {
            throw new IllegalStateException(
                    s.displayName() + " was not among the wanted services " + wanted);
        }
        requireStarted();
        String address = resolved.get(s);
        if (address == null) {
            throw new IllegalStateException(s.displayName() + " did not start");
        }
        return address;
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("LocalServices is not started");
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * What to start; each address defaults to {@value #EMBEDDED}, all three services are wanted.
     */
    public static final class Builder {
        private String kafkaBootstrapServers = EMBEDDED;
        private String jdbcUrl = EMBEDDED;
        private String jdbcUser;
        private String jdbcPassword;
        private String redisUrl = EMBEDDED;
        private Set<Service> wanted = EnumSet.allOf(Service.class);
        private Path parentDirectory;
        private final Map<Service, Integer> ports = new EnumMap<>(Service.class);
        private boolean checkReachable = true;
        private boolean redisCluster;

        private Builder() {}

        public Builder kafkaBootstrapServers(String bootstrapServers) {
            this.kafkaBootstrapServers = bootstrapServers;
            return this;
        }

        /** JDBC URL, user and password; user and password are ignored when the URL is embedded. */
        public Builder jdbc(String url, String user, String password) {
            this.jdbcUrl = url;
            this.jdbcUser = user;
            this.jdbcPassword = password;
            return this;
        }

        public Builder redisUrl(String redisUrl) {
            this.redisUrl = redisUrl;
            return this;
        }

        public Builder services(Set<Service> wanted) {
            requireNonNull(wanted, "wanted");
            if (wanted.isEmpty()) {
                throw new IllegalArgumentException("no service wanted");
            }
            this.wanted = EnumSet.copyOf(wanted);
            return this;
        }

        public Builder services(Service first, Service... more) {
            return services(EnumSet.of(first, more));
        }

        /** The folder in which the data folder is created; java.io.tmpdir by default. */
        public Builder dataDirectory(Path parent) {
            this.parentDirectory = requireNonNull(parent, "parent");
            return this;
        }

        /** A fixed port for an embedded service (a free one by default). */
        public Builder port(Service service, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            ports.put(requireNonNull(service, "service"), port);
            return this;
        }

        /** Whether to check that real addresses answer before handing them out; true by default. */
        /**
         * With an {@value #EMBEDDED} Redis: a Redis Cluster of 3 masters instead of one server (its
         * nodes on free ports); {@code redis.cluster}.
         */
        public Builder redisCluster(boolean redisCluster) {
            this.redisCluster = redisCluster;
            return this;
        }

        public Builder checkReachable(boolean checkReachable) {
            this.checkReachable = checkReachable;
            return this;
        }

        public LocalServices build() {
            return new LocalServices(this);
        }

        /** Builds and starts. */
        public LocalServices start() {
            return build().start();
        }
    }
}
