package io.sluice.websocket.stream;

import io.sluice.update.RedisClients;
import io.sluice.websocket.broker.BrokerHandler;
import io.sluice.websocket.broker.StreamPosition;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads streams (the update streams and the events stream) with XREAD BLOCK on one thread of its
 * own, and pushes every entry, in order, into a {@link BrokerHandler}.
 *
 * <p>Each instance reads on its own from where the streams ended when it started, so any number of
 * instances can serve from one Redis. When Redis goes away it retries with a growing delay and goes
 * on from the last entry it read: entries written meanwhile are not lost, as long as the streams
 * still hold them.
 *
 * <p>On a Redis Cluster its streams must share a slot (one XREAD reads them); it starts at the node
 * of {@code redis.url} and follows that node's {@code MOVED} reply to the master of the slot, again
 * whenever the slot moves.
 */
final class StreamReader extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(StreamReader.class);
    private static final long RETRY_MIN_MS = 100;
    private static final long RETRY_MAX_MS = 5000;

    private static final int MOST_REDIRECTS = 5;

    private final URI redisUrl;
    private final Duration block;
    private final int count;
    private List<String> streams = List.of();
    private BrokerHandler handler;
    private final Map<String, StreamEntryID> positions = new LinkedHashMap<>();
    private volatile boolean connected;
    private volatile Jedis jedis;
    private volatile URI node;
    private Thread thread;

    StreamReader(URI redisUrl, Duration block, int count) {
        this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
        this.node = redisUrl;
        this.block = Objects.requireNonNull(block, "block");
        this.count = count;
    }

    /** The streams to read and where their entries go; once, before start. */
    void subscribe(Collection<String> keys, BrokerHandler handler) {
        if (this.handler != null) {
            throw new IllegalStateException("subscribed already");
        }
        this.streams = List.copyOf(keys);
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Starts from where the streams end now. When Redis is away at start, the service starts anyway
     * (clients connect, /health says 503), and the reader takes the streams' ends when it is back.
     */
    @Override
    protected void doStart() throws Exception {
        if (handler == null) {
            throw new IllegalStateException("subscribe before start");
        }
        try {
            jedis = connectAtStreamEnds();
            connected = true;
        } catch (JedisException e) {
            LOG.warn(
                    "Redis at {} is unreachable ({}); starting anyway and retrying",
                    redisUrl,
                    e.getMessage());
        }
        thread = new Thread(this::run, "stream-reader " + String.join(",", streams));
        thread.setDaemon(true);
        thread.start();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            Jedis j = jedis;
            if (j != null) {
                j.disconnect(); // ends a blocked XREAD at once
            }
            t.join(block.toMillis() + 2000);
        }
        super.doStop();
    }

    /** True when it reads the stream. */
    boolean reads(String streamKey) {
        return streams.contains(streamKey);
    }

    /** True while the last read or connect succeeded. */
    boolean isConnected() {
        return connected;
    }

    /** The position of the last entry read from a stream, or 0-0 for none. */
    synchronized StreamPosition position(String streamKey) {
        StreamEntryID id = positions.get(streamKey);
        return id != null ? RedisStore.position(id) : StreamPosition.ZERO;
    }

    private void run() {
        long retryMs = RETRY_MIN_MS;
        while (isRunning() || isStarting()) {
            try {
                if (jedis == null) {
                    jedis = positions.isEmpty() ? connectAtStreamEnds() : connect();
                    if (!connected) {
                        LOG.info("Redis at {} answers; reading the streams", node);
                    }
                    connected = true;
                    retryMs = RETRY_MIN_MS;
                }
                readOnce(jedis);
            } catch (JedisMovedDataException e) {
                redirect(e);
            } catch (JedisException e) {
                if (!isRunning()) {
                    return;
                }
                if (connected) {
                    LOG.warn("Redis at {} is unreachable ({}); retrying", node, e.getMessage());
                }
                node = redisUrl; // a cluster may have moved the slot meanwhile: ask again
                connected = false;
                closeQuietly();
                try {
                    Thread.sleep(retryMs);
                } catch (InterruptedException ie) {
                    return;
                }
                retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
            } catch (RuntimeException e) {
                // a handler bug must not stop the feed for everyone
                LOG.error("Failed to push a stream entry; going on with the next", e);
            }
        }
    }

    /** Connects to the node of the streams and takes their ends, following redirects. */
    private Jedis connectAtStreamEnds() {
        for (int redirects = 0; ; redirects++) {
            Jedis j = connect();
            try {
                synchronized (this) {
                    for (String key : streams) {
                        positions.put(key, lastId(j, key));
                    }
                }
                return j;
            } catch (JedisMovedDataException e) {
                j.close();
                if (redirects == MOST_REDIRECTS) {
                    throw e;
                }
                node = RedisClients.atNode(redisUrl, e.getTargetNode());
            } catch (JedisException e) {
                j.close();
                throw e;
            }
        }
    }

    /** The slot of the streams is served elsewhere: read there from now on. */
    private void redirect(JedisMovedDataException e) {
        node = RedisClients.atNode(redisUrl, e.getTargetNode());
        LOG.info("Redis Cluster: the streams {} are served by {}; reading there", streams, node);
        closeQuietly();
    }

    private void readOnce(Jedis j) {
        Map<String, StreamEntryID> from;
        synchronized (this) {
            from = new LinkedHashMap<>(positions);
        }
        List<Map.Entry<String, List<StreamEntry>>> read =
                j.xread(XReadParams.xReadParams().block((int) block.toMillis()).count(count), from);
        if (read == null) {
            return;
        }
        for (Map.Entry<String, List<StreamEntry>> stream : read) {
            String key = stream.getKey();
            for (StreamEntry entry : stream.getValue()) {
                synchronized (this) {
                    positions.put(key, entry.getID());
                }
                handler.onEntry(key, RedisStore.entry(entry));
            }
        }
    }

    /** The newest entry's id, or 0-0 for an empty or missing stream. */
    static StreamEntryID lastId(Jedis j, String key) {
        List<StreamEntry> last = j.xrevrange(key, "+", "-", 1);
        return last == null || last.isEmpty() ? new StreamEntryID() : last.get(0).getID();
    }

    private Jedis connect() {
        Jedis j =
                new Jedis(
                        node,
                        RedisClients.config()
                                .connectionTimeoutMillis(2000)
                                .socketTimeoutMillis((int) block.toMillis() + 5000)
                                .build());
        j.ping();
        return j;
    }

    private void closeQuietly() {
        Jedis j = jedis;
        jedis = null;
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }
}
