package io.sluice.local;

import io.sluice.kafka.KafkaTopics;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.FaultHandlerFactory;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * A real single-node Kafka 4.2 in this JVM: one KRaft process that is both broker and controller.
 *
 * <p>It assembles the parts that {@code kafka.server.KafkaRaftServer} assembles (SharedServer,
 * ControllerServer, BrokerServer), with two differences that matter in a test or a demo: both
 * listeners are bound before the server starts, so the ports are free ones that nobody can take in
 * between, and a fatal fault is logged rather than halting the whole JVM. The storage is formatted
 * in-process with the same {@link Formatter} as {@code kafka-storage.sh format}.
 *
 * <p>Settings fit one node: replication factor and min ISR 1, one partition for the internal
 * topics, no initial rebalance delay, and no automatic topic creation (tests create their topics
 * with {@link #createTopic}). The data directory belongs to this server: it is created on {@link
 * #start()} and deleted on {@link #close()}.
 */
public final class EmbeddedKafka extends EmbeddedServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> overrides;

    private PreboundSockets sockets;
    private SharedServer sharedServer;
    private ControllerServer controller;
    private BrokerServer broker;
    private Admin admin;
    private int port;
    private boolean ready;

    /** A broker on a free port, with its data in {@code dataDirectory}. */
    public EmbeddedKafka(Path dataDirectory) {
        this(builder(dataDirectory));
    }

    private EmbeddedKafka(Builder builder) {
        super("Embedded Kafka", builder.dataDirectory, builder.port);
        this.overrides = Map.copyOf(builder.overrides);
    }

    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /**
     * Formats the storage, binds the listeners and starts controller then broker; blocks until
     * ready.
     */
    public synchronized EmbeddedKafka start() {
        long begin = beginStart();
        try {
            Files.createDirectories(dataDirectory);
            sockets = new PreboundSockets();
            port = sockets.bind(BROKER_LISTENER, requestedPort);
            int controllerPort = sockets.bind(CONTROLLER_LISTENER, 0);

            KafkaConfig config = new KafkaConfig(properties(port, controllerPort), false);
            format(config);
            // As KafkaRaftServer does: verify the formatted directories and read the bootstrap
            // metadata.
            Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
                    KafkaRaftServer.initializeLogDirs(config, LOG, "[EmbeddedKafka] ");
            sharedServer =
                    new SharedServer(
                            config,
                            dirs._1(),
                            Time.SYSTEM,
                            Server.initializeMetrics(
                                    config, Time.SYSTEM, dirs._1().clusterId().get()),
                            CompletableFuture.completedFuture(
                                    Map.of(
                                            NODE_ID,
                                            new InetSocketAddress(Net.LOOPBACK, controllerPort))),
                            List.of(),
                            loggingFaultHandlers(),
                            sockets);
            controller =
                    new ControllerServer(sharedServer, KafkaRaftServer.configSchema(), dirs._2());
            broker = new BrokerServer(sharedServer);
            // The controller first, so that its endpoint is known to the Raft manager
            // (KafkaRaftServer).
            controller.startup();
            broker.startup();
            ready = true;
            LOG.info(
                    "Kafka started on {} in {} ms, data in {}",
                    bootstrapServers(),
                    (System.nanoTime() - begin) / 1_000_000,
                    dataDirectory);
            return this;
        } catch (ServiceStartException e) {
            stopQuietly();
            deleteDataDirectory();
            throw e;
        } catch (Exception e) {
            stopQuietly();
            deleteDataDirectory();
            if (Net.isBindFailure(e)) {
                throw Net.portInUse("Embedded Kafka", requestedPort, e);
            }
            throw new ServiceStartException(
                    "Embedded Kafka failed to start with its data in " + dataDirectory + ": " + e,
                    e);
        }
    }

    /** host:port of the broker listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        requireStarted();
        return Net.LOOPBACK + ":" + port;
    }

    /** The broker listener's port. */
    public int port() {
        requireStarted();
        return port;
    }

    /**
     * Creates a topic with this many partitions and waits until each has a leader; a topic that
     * already exists is left as it is.
     */
    public void createTopic(String name, int partitions) {
        Admin client;
        synchronized (this) {
            requireStarted();
            if (isClosed()) {
                throw new IllegalStateException("EmbeddedKafka is closed");
            }
            if (admin == null) {
                admin =
                        Admin.create(
                                Map.of(
                                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        bootstrapServers(),
                                        AdminClientConfig.CLIENT_ID_CONFIG,
                                        "sluice-embedded-kafka-admin"));
            }
            client = admin;
        }
        KafkaTopics.create(client, name, partitions, ADMIN_TIMEOUT);
    }

    /**
     * Stops broker then controller, frees both ports and deletes the data directory; idempotent.
     */
    @Override
    public synchronized void close() {
        if (!beginClose()) {
            return;
        }
        long begin = System.nanoTime();
        stopQuietly();
        deleteDataDirectory();
        if (ready) {
            LOG.info("Kafka stopped in {} ms", (System.nanoTime() - begin) / 1_000_000);
        }
    }

    private void stopQuietly() {
        if (admin != null) {
            Utils.closeQuietly(admin, "admin client");
            admin = null;
        }
        // Broker first, as in KafkaRaftServer: its controlled shutdown needs the controller.
        if (broker != null) {
            swallow("broker", broker::shutdown);
            swallow("broker", broker::awaitShutdown);
        }
        if (controller != null) {
            swallow("controller", controller::shutdown);
            swallow("controller", controller::awaitShutdown);
        }
        broker = null;
        controller = null;
        sharedServer = null;
        if (sockets != null) {
            sockets.closeAll();
        }
    }

    private Map<String, String> properties(int brokerPort, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + Net.LOOPBACK + ":" + controllerPort);
        p.put(
                "listeners",
                BROKER_LISTENER
                        + "://"
                        + Net.LOOPBACK
                        + ":"
                        + brokerPort
                        + ","
                        + CONTROLLER_LISTENER
                        + "://"
                        + Net.LOOPBACK
                        + ":"
                        + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + Net.LOOPBACK + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", dataDirectory.toString());
        p.put("metadata.log.dir", dataDirectory.toString());
        // One node: every replication factor and min ISR is 1.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // One partition per internal topic: the first consumer group or transaction creates 1, not
        // 50.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("num.partitions", "1");
        // A consumer group forms at once instead of waiting 3 s for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Tests and tools create their topics explicitly; a typo must not create a new topic.
        p.put("auto.create.topics.enable", "false");
        // The log cleaner's default 128 MB dedupe buffer is sized for production
        // (KafkaClusterTestKit
        // does the same).
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        // A broker that cannot start says so within a minute instead of waiting forever.
        p.put("server.max.startup.time.ms", "60000");
        p.putAll(overrides);
        return p;
    }

    private void format(KafkaConfig config) throws Exception {
        String directory = dataDirectory.toString();
        new Formatter()
                // The formatter reports on stdout; LocalServicesMain's stdout carries only
                // addresses.
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(directory))
                .setMetadataLogDirectory(directory)
                .setControllerListenerName(CONTROLLER_LISTENER)
                // A directory formatted by an earlier run is reused as it is.
                .setIgnoreFormatted(true)
                .run();
    }

    /**
     * The standard factory halts the process on a fatal fault; in a shared JVM (tests, the demo) a
     * logged error is enough, and the broker stops by itself.
     */
    private static FaultHandlerFactory loggingFaultHandlers() {
        return (name, fatal, action) ->
                new LoggingFaultHandler(fatal ? "fatal " + name : name, action);
    }

    private void requireStarted() {
        if (!ready) {
            throw new IllegalStateException("EmbeddedKafka is not started");
        }
    }

    private static void swallow(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping the Kafka {}: {}", what, e.toString());
        }
    }

    /** Options of an {@link EmbeddedKafka}. */
    public static final class Builder {
        private final Path dataDirectory;
        private int port;
        private final Map<String, String> overrides = new HashMap<>();

        private Builder(Path dataDirectory) {
            this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory");
        }

        /** The broker listener's port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /**
         * Any broker setting (server.properties key), over the defaults above; e.g. for benchmarks.
         */
        public Builder brokerProperty(String key, String value) {
            overrides.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }

        /** Builds and starts. */
        public EmbeddedKafka start() {
            return build().start();
        }
    }

    /**
     * Listeners bound before the server starts, handed over when its SocketServer asks for them
     * (the idea of KafkaClusterTestKit's PreboundSocketFactoryManager): the ports are known up
     * front and nobody can take them in between.
     */
    private static final class PreboundSockets implements ServerSocketFactory {
        private final Map<String, ServerSocketChannel> channels = new ConcurrentHashMap<>();

        int bind(String listener, int port) throws IOException {
            ServerSocketChannel channel =
                    ServerSocketFactory.INSTANCE.openServerSocket(
                            listener, new InetSocketAddress(Net.LOOPBACK, port), -1, -1);
            channels.put(listener, channel);
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }

        @Override
        public ServerSocketChannel openServerSocket(
                String listenerName, InetSocketAddress address, int backlog, int recvBufferSize)
                throws IOException {
            ServerSocketChannel channel = channels.get(listenerName);
            if (channel != null && channel.isOpen()) {
                return channel;
            }
            return ServerSocketFactory.INSTANCE.openServerSocket(
                    listenerName, address, backlog, recvBufferSize);
        }

        /**
         * The SocketServer closes the channels it took; this closes the rest (closing twice is
         * harmless).
         */
        void closeAll() {
            channels.values().forEach(c -> Utils.closeQuietly(c, "listener"));
        }
    }
}
