package io.sluice.job.sinks.redis;

import io.sluice.job.sinks.redis.PendingUpdates.LatestValue;
import io.sluice.job.sinks.redis.PendingUpdates.StreamMessage;
import io.sluice.job.sinks.redis.PendingUpdates.Work;
import io.sluice.update.RedisClients;
import io.sluice.update.UpdateKeys;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.params.XAddParams;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sink's I/O thread: takes the pending updates, writes them to Redis in one pipeline per round,
 * and rides out outages.
 *
 * <p>The task thread never waits for Redis: it hands its updates to {@link PendingUpdates} and goes
 * on. When a connect or a round trip fails, this thread puts the round's updates back, drops the
 * connection, marks Redis down (one WARN line, the {@code redisUp} gauge at 0) and retries after a
 * delay that doubles from {@code redis.retry.initial.ms} to {@code redis.retry.max.ms}. When Redis
 * answers again it reloads its script (a restarted Redis has none), writes what waited (one INFO
 * line) and goes on. A command Redis rejects (a key of the wrong type, out of memory) is counted
 * and logged at most once a minute, and its update dropped: retrying would not help.
 *
 * <p>Redis failures never reach the job. Only a failure of this thread's own code is kept, and the
 * writer rethrows it on its next call.
 */
@Internal
final class RedisPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSink.class);

    /**
     * Sets latest-hash fields only where newer: KEYS[1] is the hash, ARGV holds quadruples (field,
     * window start, revision, value). A stored value is {@code [s,...,r]}; the new one wins by the
     * rule of {@link io.sluice.update.WindowVersion} (a later window, or the same window with a
     * revision at least as high), tested against its vectors by {@code LatestScriptIT}. Returns how
     * many fields it set.
     */
    static final String LATEST_SCRIPT =
            "local written = 0\n"
                    + "for i = 1, #ARGV, 4 do\n"
                    + "  local cur = redis.call('HGET', KEYS[1], ARGV[i])\n"
                    + "  local newer = true\n"
                    + "  if cur then\n"
                    + "    local s = tonumber(string.match(cur, '^%[(%-?%d+),'))\n"
                    + "    local r = tonumber(string.match(cur, ',(%d+)%]$'))\n"
                    + "    local ns = tonumber(ARGV[i + 1])\n"
                    + "    if s and r and (s > ns or (s == ns and r > tonumber(ARGV[i + 2]))) then\n"
                    + "      newer = false\n"
                    + "    end\n"
                    + "  end\n"
                    + "  if newer then\n"
                    + "    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 3])\n"
                    + "    written = written + 1\n"
                    + "  end\n"
                    + "end\n"
                    + "return written\n";

    /** Fields per script call, so that one call never holds Redis for long. */
    static final int LATEST_FIELDS_PER_CALL = 500;

    private static final long COMMAND_ERROR_LOG_INTERVAL_MS = 60_000;
    private static final byte[] FIELD_GROUP =
            UpdateKeys.FIELD_GROUP.getBytes(StandardCharsets.UTF_8);
    private static final byte[] FIELD_DATA = UpdateKeys.FIELD_DATA.getBytes(StandardCharsets.UTF_8);
    // Where a cluster loads the script at connect; other masters get it on their first NOSCRIPT.
    private static final byte[] SCRIPT_KEY = "sluice".getBytes(StandardCharsets.UTF_8);

    private enum State {
        STARTING,
        UP,
        DOWN
    }

    private final RedisSinkOptions options;
    private final PendingUpdates pending;
    private final RedisSinkMetrics metrics;
    private final String clientName;
    private final XAddParams xaddParams;
    private final Thread thread;
    private final CountDownLatch closeSignal = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private volatile State state = State.STARTING;
    private volatile RedisConnection redis;
    private volatile boolean abandon;
    // Guarded by pending's monitor.
    private boolean closing;
    private boolean busy;

    // The I/O thread's own.
    private byte[] scriptSha;
    private int consecutiveFailures;
    private boolean retriedFreshConnection;
    private long downSinceNanos;
    private long droppedBeforeDown;
    private long lastCommandErrorLogMs = Long.MIN_VALUE / 2;
    private long suppressedCommandErrors;

    RedisPublisher(
            RedisSinkOptions options,
            PendingUpdates pending,
            RedisSinkMetrics metrics,
            String name) {
        this.options = Objects.requireNonNull(options, "options");
        this.pending = Objects.requireNonNull(pending, "pending");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clientName = name.replaceAll("[^A-Za-z0-9_.-]", "-");
        this.xaddParams =
                XAddParams.xAddParams().maxLen(options.streamMaxLen()).approximateTrimming();
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** True while Redis answers. */
    boolean isUp() {
        return state == State.UP;
    }

    /** A failure of the I/O thread's own code, or null. */
    Throwable failure() {
        return failure.get();
    }

    /**
     * Waits until everything pending is written, unless Redis is down (then at once) or the timeout
     * passes.
     *
     * @return true if nothing is pending any more
     */
    boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (pending) {
            while ((busy || !pending.isEmpty())
                    && state != State.DOWN
                    && failure.get() == null
                    && thread.isAlive()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                pending.wait(left);
            }
            return !busy && pending.isEmpty();
        }
    }

    /**
     * Stops the thread: while Redis answers it first writes what is pending, for up to {@code
     * timeoutMs}; then it drops the connection, which ends a round stuck on a slow Redis.
     */
    void close(long timeoutMs) {
        synchronized (pending) {
            closing = true;
            pending.notifyAll();
        }
        closeSignal.countDown();
        try {
            thread.join(timeoutMs);
            if (thread.isAlive()) {
                abandon = true;
                closeQuietly(redis);
                thread.join(timeoutMs);
            }
        } catch (InterruptedException e) {
            // Cancelled: leave at once; the daemon thread ends after its current round.
            abandon = true;
            closeQuietly(redis);
            Thread.currentThread().interrupt();
        }
        int messages = pending.messageCount();
        int latest = pending.latestCount();
        if (messages + latest > 0) {
            LOG.warn(
                    "Redis live updates: closing with {} stream messages and {} latest values unwritten ({} {})",
                    messages,
                    latest,
                    options.redisAddress(),
                    state == State.UP ? "was too slow" : "is unreachable");
        }
    }

    private void run() {
        try {
            while (awaitWork()) {
                if (redis == null && !connect()) {
                    backoff();
                    continue;
                }
                Work work;
                synchronized (pending) {
                    work = pending.takeAll();
                    busy = true;
                }
                boolean failed = false;
                try {
                    if (!work.isEmpty()) {
                        send(work);
                        markUp();
                        retriedFreshConnection = false;
                    }
                } catch (JedisException e) {
                    pending.putBack(work.messages(), work.latest());
                    metrics.connectionFailed();
                    disconnect();
                    if (state == State.UP && !retriedFreshConnection) {
                        // A connection that sat idle may have been closed by Redis or a proxy: try
                        // a new one
                        // at once before calling Redis down.
                        retriedFreshConnection = true;
                    } else {
                        markDown(e);
                        failed = true;
                    }
                } finally {
                    synchronized (pending) {
                        busy = false;
                        pending.notifyAll();
                    }
                }
                if (failed) {
                    backoff();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            LOG.error(
                    "Redis live updates: the sink's I/O thread failed; the job will fail with it",
                    t);
        } finally {
            disconnect();
            synchronized (pending) {
                pending.notifyAll();
            }
        }
    }

    /** Waits for something to do; false when the thread should end. */
    private boolean awaitWork() throws InterruptedException {
        synchronized (pending) {
            while (pending.isEmpty() && !closing) {
                pending.wait();
            }
            if (closing) {
                // Write what is left while Redis answers (or has not been tried yet); not while it
                // is down.
                return !abandon && !pending.isEmpty() && state != State.DOWN;
            }
            return true;
        }
    }

    private boolean connect() {
        if (consecutiveFailures > 0) {
            metrics.retried();
        }
        RedisConnection j = null;
        try {
            j = RedisConnection.open(options, clientConfig());
            scriptSha = j.loadScript(LATEST_SCRIPT.getBytes(StandardCharsets.UTF_8), SCRIPT_KEY);
            redis = j;
            markUp();
            return true;
        } catch (JedisException e) {
            closeQuietly(j);
            metrics.connectionFailed();
            markDown(e);
            return false;
        }
    }

    private void send(Work work) {
        RedisConnection j = redis;
        long begin = System.nanoTime();
        AbstractPipeline p = j.pipelined();

        List<Response<byte[]>> adds = new ArrayList<>(work.messages().size());
        for (StreamMessage m : work.messages()) {
            Map<byte[], byte[]> fields = new LinkedHashMap<>(4);
            fields.put(FIELD_GROUP, m.group().getBytes(StandardCharsets.UTF_8));
            fields.put(FIELD_DATA, m.data());
            adds.add(p.xadd(m.streamKey().getBytes(StandardCharsets.UTF_8), xaddParams, fields));
        }

        Map<String, List<LatestValue>> byHash = new LinkedHashMap<>();
        for (LatestValue v : work.latest()) {
            byHash.computeIfAbsent(v.hashKey(), k -> new ArrayList<>()).add(v);
        }
        List<List<LatestValue>> calls = new ArrayList<>();
        List<Response<Object>> results = new ArrayList<>();
        for (Map.Entry<String, List<LatestValue>> e : byHash.entrySet()) {
            List<byte[]> keys = List.of(e.getKey().getBytes(StandardCharsets.UTF_8));
            List<LatestValue> values = e.getValue();
            for (int from = 0; from < values.size(); from += LATEST_FIELDS_PER_CALL) {
                List<LatestValue> call =
                        values.subList(
                                from, Math.min(values.size(), from + LATEST_FIELDS_PER_CALL));
                List<byte[]> args = new ArrayList<>(call.size() * 4);
                for (LatestValue v : call) {
                    args.add(v.field().getBytes(StandardCharsets.UTF_8));
                    args.add(Long.toString(v.windowStart()).getBytes(StandardCharsets.US_ASCII));
                    args.add(Integer.toString(v.revision()).getBytes(StandardCharsets.US_ASCII));
                    args.add(v.value());
                }
                calls.add(call);
                results.add(p.evalsha(scriptSha, keys, args));
            }
        }

        p.sync();
        p.close();
        metrics.sendTime(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));

        for (int i = 0; i < adds.size(); i++) {
            StreamMessage m = work.messages().get(i);
            try {
                adds.get(i).get();
                metrics.messageSent(m.tags(), m.data().length);
            } catch (JedisRedirectionException e) {
                throw e; // a cluster's slot moved: the round goes again on a fresh connection
            } catch (JedisDataException e) {
                metrics.commandFailed(m.tags());
                commandRejected("XADD " + m.streamKey(), e);
            }
        }
        List<LatestValue> retry = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            List<LatestValue> call = calls.get(i);
            try {
                long written = ((Number) results.get(i).get()).longValue();
                long bytes = 0;
                for (LatestValue v : call) {
                    bytes += v.field().length() + v.value().length;
                }
                metrics.latestWritten(written, call.size() - written, bytes);
            } catch (JedisRedirectionException e) {
                throw e;
            } catch (JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                    retry.addAll(call); // the script cache was flushed: load it again and retry
                } else {
                    metrics.commandFailed(0);
                    commandRejected("the latest-values script on " + call.get(0).hashKey(), e);
                }
            }
        }
        if (!retry.isEmpty()) {
            // On each node that lacked it: a cluster's masters each keep their own script cache.
            for (String hash :
                    new LinkedHashSet<>(retry.stream().map(LatestValue::hashKey).toList())) {
                scriptSha =
                        j.loadScript(
                                LATEST_SCRIPT.getBytes(StandardCharsets.UTF_8),
                                hash.getBytes(StandardCharsets.UTF_8));
            }
            pending.putBack(List.of(), retry);
        }
    }

    private void markUp() {
        State previous = state;
        consecutiveFailures = 0;
        if (previous == State.UP) {
            return;
        }
        state = State.UP;
        if (previous == State.DOWN) {
            metrics.reconnected();
            LOG.info(
                    "Redis live updates: {} answers again after {} s; sending what waited ({} stream messages dropped while it was away)",
                    options.redisAddress(),
                    String.format("%.1f", (System.nanoTime() - downSinceNanos) / 1e9),
                    metrics.droppedMessageCount() - droppedBeforeDown);
        } else {
            LOG.info("Redis live updates go to {}", options.redisAddress());
        }
    }

    private void markDown(JedisException e) {
        consecutiveFailures++;
        if (state != State.DOWN) {
            state = State.DOWN;
            downSinceNanos = System.nanoTime();
            droppedBeforeDown = metrics.droppedMessageCount();
            LOG.warn(
                    "Redis live updates: {} is unreachable ({}). The job goes on without them: updates wait (stream messages up to"
                            + " {} bytes, oldest dropped first; the newest value of each tag always) and Redis is retried every {} to {} ms.",
                    options.redisAddress(),
                    describe(e),
                    options.bufferMaxBytes(),
                    options.retryInitialMs(),
                    options.retryMaxMs());
        }
        synchronized (pending) {
            pending.notifyAll();
        }
    }

    /** Waits the current retry delay, or less if the sink closes. */
    private void backoff() throws InterruptedException {
        int doublings = Math.min(Math.max(consecutiveFailures - 1, 0), 30);
        long delay = Math.min(options.retryInitialMs() << doublings, options.retryMaxMs());
        if (delay <= 0) {
            delay = options.retryMaxMs();
        }
        closeSignal.await(delay, TimeUnit.MILLISECONDS);
    }

    private void commandRejected(String what, JedisDataException e) {
        long now = System.currentTimeMillis();
        if (now - lastCommandErrorLogMs >= COMMAND_ERROR_LOG_INTERVAL_MS) {
            LOG.warn(
                    "Redis live updates: {} rejected {}: {}{}",
                    options.redisAddress(),
                    what,
                    e.getMessage(),
                    suppressedCommandErrors > 0
                            ? " ("
                                    + suppressedCommandErrors
                                    + " more rejections since the last such line)"
                            : "");
            lastCommandErrorLogMs = now;
            suppressedCommandErrors = 0;
        } else {
            suppressedCommandErrors++;
        }
    }

    private DefaultJedisClientConfig.Builder clientConfig() {
        return RedisClients.config()
                .connectionTimeoutMillis(options.timeoutMs())
                .socketTimeoutMillis(options.timeoutMs())
                .clientName(clientName);
    }

    private void disconnect() {
        RedisConnection j = redis;
        redis = null;
        closeQuietly(j);
    }

    private static void closeQuietly(RedisConnection j) {
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // The connection is gone either way.
            }
        }
    }

    /**
     * The exception's message and that of what lies deepest under it (a cause, or what the socket
     * factory kept as suppressed).
     */
    private static String describe(Throwable e) {
        Throwable deepest = null;
        Throwable t = below(e);
        for (int depth = 0; t != null && depth < 10; depth++) {
            deepest = t;
            t = below(t);
        }
        String message = messageOf(e);
        return deepest == null ? message : message + ": " + messageOf(deepest);
    }

    private static Throwable below(Throwable t) {
        if (t.getCause() != null && t.getCause() != t) {
            return t.getCause();
        }
        return t.getSuppressed().length > 0 ? t.getSuppressed()[0] : null;
    }

    private static String messageOf(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}
