package io.sluice.deploy;

import io.sluice.config.ConfigCommandLine;
import io.sluice.config.ConfigException;
import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.job.JobSettings;
import io.sluice.job.SluiceJob;
import io.sluice.local.LocalServices;
import io.sluice.local.Net;
import io.sluice.local.Service;
import io.sluice.local.ServiceStartException;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;

import org.apache.commons.io.FileUtils;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * The production job on a local MiniCluster with Flink's web UI, against the embedded Kafka,
 * PostgreSQL and Redis (or real ones, where their addresses are configured).
 *
 * <p>Start: the embedded services (LocalServices, their data in this run's folder), the readings
 * topic, the job exactly as {@code SluiceJob.main} wires it ({@link SluiceJob#fromConfig}), a
 * MiniCluster whose REST endpoint serves the web UI on 127.0.0.1 (port: {@code
 * local.flink.rest.port}), then the job on it. Close: cancels the job, stops the cluster and the
 * services, and deletes the run's folder ({@code sluice-local-job-*} under {@code local.data.dir}
 * or {@code java.io.tmpdir}), which also holds Flink's temporary files. Close is idempotent and may
 * come from another thread (Ctrl-C) while start is still under way; a failed start has already
 * closed what it started.
 *
 * <pre>
 * java -cp CLASSPATH io.sluice.deploy.LocalJob [--key=value | --key value]...   (keys of conf/sluice.properties)
 * </pre>
 *
 * <p>As a program it prints {@code key=value} lines (the addresses) and {@code ready} on standard
 * output, runs until Ctrl-C (SIGINT/SIGTERM), then stops everything and prints {@code stopped}.
 * Logs go to standard error, warnings only. An error is one line on standard error and exit status
 * 1 (2 for a wrong command line).
 */
public final class LocalJob implements AutoCloseable {

    /**
     * Configuration key of the local cluster's task slots; 0 for the job's parallelism or the
     * cores.
     */

    /** Where the web UI listens: this machine only. */
    public static final String HOST = "127.0.0.1";

    /** Logging configuration in this jar: warnings only, on standard error. */
    static final String LOG_CONFIG = "io/sluice/deploy/local-job-log4j2.xml";

    private static final long STOP_TIMEOUT_SECONDS = 30;

    private final SluiceConfig config;

    // Set by start(), under the lock, unless close() came first.
    private Path workDirectory;
    private LocalServices services;
    private MiniCluster cluster;
    private JobClient job;
    private Map<String, String> addresses;
    private boolean started;
    private boolean closed;

    public LocalJob(SluiceConfig config) {
        this.config = requireNonNull(config, "config");
    }

    /** Starts a local run of the job; see the class comment. */
    public static LocalJob start(SluiceConfig config) throws Exception {
        return new LocalJob(config).start();
    }

    /** Starts the services, the cluster and the job; on failure closes what it started. */
    public LocalJob start() throws Exception {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("LocalJob can be started only once");
            }
            started = true;
        }
        try {
            int restPort = restPort(config);
            int taskSlots = taskSlots(config);
            if (taskSlots > 0 && config.getInt(ConfigKeys.JOB_PARALLELISM) > taskSlots) {
                throw config.invalid(
                        ConfigKeys.LOCAL_FLINK_TASK_SLOTS,
                        "is fewer than job.parallelism ("
                                + config.get(ConfigKeys.JOB_PARALLELISM)
                                + ")");
            }
            if (restPort != 0) {
                Net.requireFree("Flink's web UI", HOST, restPort, PORT_HINT);
            }
            Path dir = createWorkDirectory(config);
            own(() -> workDirectory = dir, () -> FileUtils.deleteDirectory(dir.toFile()));

            // Kafka, PostgreSQL and Redis: the "embedded" ones start, with their data in this run's
            // folder.
            LocalServices s =
                    LocalServices.start(
                            config.with(ConfigKeys.LOCAL_DATA_DIR, dir.toString()),
                            EnumSet.of(Service.KAFKA, Service.POSTGRES, Service.REDIS));
            own(() -> services = s, s::close);
            SluiceConfig resolved = s.resolve(config);
            s.createTopic(
                    resolved.get(ConfigKeys.KAFKA_TOPIC_READINGS),
                    resolved.getInt(ConfigKeys.KAFKA_TOPIC_PARTITIONS));

            // The production job: the same wiring as SluiceJob.main (schema, topics, source and
            // sinks).
            SluiceJob sluiceJob = SluiceJob.fromConfig(resolved);
            JobSettings settings = sluiceJob.settings();
            Configuration flink = flinkConfiguration(settings, restPort, taskSlots, dir);

            MiniCluster c =
                    new MiniCluster(
                            new MiniClusterConfiguration.Builder()
                                    .setConfiguration(flink)
                                    .setNumTaskManagers(1)
                                    .setNumSlotsPerTaskManager(
                                            flink.get(TaskManagerOptions.NUM_TASK_SLOTS))
                                    .build());
            own(() -> cluster = c, c::close);
            try {
                c.start();
            } catch (Exception e) {
                if (restPort != 0
                        && ExceptionUtils.findThrowable(e, BindException.class).isPresent()) {
                    throw new ServiceStartException(portInUse(restPort), e);
                }
                throw e;
            }
            URI rest = c.getRestAddress().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);

            Configuration envConf = new Configuration(flink);
            envConf.set(DeploymentOptions.TARGET, MiniClusterExecutorLoader.NAME);
            StreamExecutionEnvironment env =
                    new StreamExecutionEnvironment(
                            new MiniClusterExecutorLoader(c),
                            envConf,
                            LocalJob.class.getClassLoader());
            sluiceJob.build(env);
            JobClient client = env.executeAsync(settings.name());
            own(
                    () -> job = client,
                    () -> client.cancel().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS));

            Map<String, String> out = new LinkedHashMap<>(s.addresses());
            out.put(ConfigKeys.KAFKA_TOPIC_READINGS, resolved.get(ConfigKeys.KAFKA_TOPIC_READINGS));
            out.put("flink.web.ui", "http://" + rest.getHost() + ":" + rest.getPort());
            out.put("flink.job.id", client.getJobID().toString());
            own(() -> addresses = out, () -> {});
            return this;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /**
     * The addresses of this run, for people and scripts: kafka.bootstrap.servers, jdbc.url,
     * jdbc.user, jdbc.password, redis.url, kafka.topic.readings, flink.web.ui, flink.job.id.
     */
    public synchronized Map<String, String> addresses() {
        if (addresses == null) {
            throw new IllegalStateException("LocalJob is not running");
        }
        return addresses;
    }

    /** The folder of this run: the services' data and Flink's temporary files; deleted on close. */
    public synchronized Path workDirectory() {
        return workDirectory;
    }

    /** Completes when the job ends: by close(), or on its own (it failed beyond its restarts). */
    public CompletableFuture<JobExecutionResult> jobResult() {
        JobClient client;
        synchronized (this) {
            if (job == null) {
                throw new IllegalStateException("LocalJob is not running");
            }
            client = job;
        }
        return client.getJobExecutionResult();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Cancels the job and waits for it to end, stops the cluster, then the services, and deletes
     * the run's folder; idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (job != null) {
            try {
                job.cancel().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                // Cancelled means every task has closed its sinks.
                cluster.requestJobResult(job.getJobID())
                        .get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                warn("could not cancel the job", e);
            }
        }
        if (cluster != null) {
            try {
                cluster.closeAsync().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                warn("could not stop the Flink MiniCluster", e);
            }
        }
        if (services != null) {
            services.close();
        }
        if (workDirectory != null) {
            try {
                FileUtils.deleteDirectory(workDirectory.toFile());
            } catch (IOException e) {
                warn("could not delete " + workDirectory, e);
            }
        }
    }

    /** Runs a step's result into this object, or undoes it when close() came first. */
    private void own(Runnable keep, Undo undo) throws Exception {
        synchronized (this) {
            if (!closed) {
                keep.run();
                return;
            }
        }
        undo.run();
        throw new IllegalStateException("LocalJob was closed while starting");
    }

    @FunctionalInterface
    private interface Undo {
        void run() throws Exception;
    }

    /**
     * The job's own Flink settings plus the local cluster's: REST on 127.0.0.1, temp files in dir.
     */
    static Configuration flinkConfiguration(
            JobSettings settings, int restPort, int taskSlots, Path dir) throws IOException {
        Configuration conf = SluiceJob.flinkConfiguration(settings);
        conf.set(RestOptions.ADDRESS, HOST);
        conf.set(RestOptions.BIND_ADDRESS, HOST);
        conf.set(RestOptions.PORT, restPort);
        conf.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        // Everything Flink writes (blobs, spill files, its RPC jar, the web UI's files) goes into
        // the
        // run's folder, which close() deletes.
        conf.set(
                CoreOptions.TMP_DIRS, Files.createDirectories(dir.resolve("flink-tmp")).toString());
        conf.set(WebOptions.TMP_DIR, Files.createDirectories(dir.resolve("flink-web")).toString());
        // The JobManager's heap holds at most 5 MB of checkpoint; a plant of a few thousand tags
        // has more.
        if (settings.checkpointDir().isBlank()) {
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    Files.createDirectories(dir.resolve("checkpoints")).toUri().toString());
        }
        // job.parallelism 0 means "the cluster's default": here, one per core (as many as there are
        // slots).
        int cores = Runtime.getRuntime().availableProcessors();
        int slots =
                taskSlots > 0
                        ? taskSlots
                        : settings.parallelism() > 0 ? settings.parallelism() : cores;
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, Math.min(cores, slots));
        return conf;
    }

    static int taskSlots(SluiceConfig config) {
        int slots;
        try {
            slots = config.getInt(ConfigKeys.LOCAL_FLINK_TASK_SLOTS);
        } catch (ConfigException e) {
            slots = -1;
        }
        if (slots < 0) {
            throw config.invalid(
                    ConfigKeys.LOCAL_FLINK_TASK_SLOTS, "is not 0 or a positive number");
        }
        return slots;
    }

    static int restPort(SluiceConfig config) {
        int port;
        try {
            port = config.getInt(ConfigKeys.LOCAL_FLINK_REST_PORT);
        } catch (ConfigException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw config.invalid(
                    ConfigKeys.LOCAL_FLINK_REST_PORT, "is not a port number from 0 to 65535");
        }
        return port;
    }

    static String portInUse(int port) {
        return "Flink's web UI cannot listen on "
                + HOST
                + ":"
                + port
                + " because the port is already in use; "
                + PORT_HINT;
    }

    private static final String PORT_HINT =
            "set " + ConfigKeys.LOCAL_FLINK_REST_PORT + " to another port, or 0 for any free one.";

    private static Path createWorkDirectory(SluiceConfig config) throws IOException {
        Path parent =
                config.isSet(ConfigKeys.LOCAL_DATA_DIR)
                        ? Path.of(config.get(ConfigKeys.LOCAL_DATA_DIR))
                        : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "sluice-local-job-");
        } catch (IOException e) {
            throw new ServiceStartException(
                    "Cannot create a folder for the local run under " + parent + ".", e);
        }
    }

    private static void warn(String what, Exception e) {
        // Not a logger: this runs in a shutdown hook, after log4j may have stopped.
        Throwable cause =
                ExceptionUtils.stripCompletionException(ExceptionUtils.stripExecutionException(e));
        System.err.println("local-job: " + what + ": " + cause);
    }

    // ---- the program
    // ------------------------------------------------------------------------------

    public static void main(String[] args) {
        System.exit(ConfigCommandLine.main("local-job", LOG_CONFIG, LocalJobCommand::new, args));
    }

    /** Starts, reports, runs until a signal or the job's end, stops; returns the exit status. */
    static int run(SluiceConfig config, PrintStream out, PrintStream err) {
        LocalJob local = new LocalJob(config);
        AtomicBoolean signalled = new AtomicBoolean();
        // SIGINT/SIGTERM: the JVM runs this hook, which stops the job, the cluster and the
        // services.
        Thread hook =
                new Thread(
                        () -> {
                            signalled.set(true);
                            local.close();
                            out.println("stopped");
                            out.flush();
                        },
                        "local-job-stopper");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            local.start();
            local.addresses().forEach((key, value) -> out.println(key + "=" + value));
            out.println("ready");
            out.flush();
            err.println(
                    "local-job: "
                            + config.get(ConfigKeys.JOB_NAME)
                            + " is running; Ctrl-C stops it");

            Object ended;
            try {
                ended = local.jobResult().get();
            } catch (Exception e) {
                ended = e;
            }
            if (signalled.get()) {
                return 0; // the hook is stopping everything; the JVM exits when it is done
            }
            err.println(
                    "local-job: the job ended: "
                            + (ended instanceof Throwable t
                                    ? ExceptionUtils.stripExecutionException(t)
                                    : "finished"));
            return 1;
        } catch (ServiceStartException | ConfigException e) {
            err.println("local-job: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            if (!signalled.get()) { // else Ctrl-C came during the start
                err.println("local-job: " + ExceptionUtils.stripExecutionException(e));
            }
            return 1;
        } finally {
            local.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run; it closed everything.
            }
        }
    }
}
