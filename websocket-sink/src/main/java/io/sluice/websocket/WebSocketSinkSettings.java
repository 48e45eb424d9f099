package io.sluice.websocket;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.update.RedisClients;
import io.sluice.websocket.app.Apps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything websocket-sink reads from the configuration; each field is documented, with its
 * default, by its key in conf/sluice.properties.
 *
 * @param host websocket.host
 * @param port websocket.port
 * @param apps the apps served: pusher.apps.file, or the single app of pusher.app.*
 * @param redisUrl redis.url, a real address (redis://host:port), or a Redis Cluster's nodes
 * @param redisCluster redis.cluster
 * @param groupDepth redis.group.depth
 * @param streamPrefix redis.stream.prefix
 * @param latestPrefix redis.latest.prefix
 * @param streamMaxLen redis.stream.maxlen, also the cap of the HTTP API's events stream
 * @param windowsMs websocket.windows, in milliseconds; the first has the plain channel names
 * @param channel websocket.channel
 * @param event websocket.event
 * @param activityTimeoutSeconds websocket.activity.timeout.s
 * @param pongTimeout websocket.pong.timeout.ms
 * @param closeGrace websocket.close.grace.ms
 * @param maxMessageBytes websocket.max.message.bytes
 * @param maxConnections websocket.max.connections
 * @param maxSubscriptions websocket.max.subscriptions
 * @param maxClientMessagesPerSecond websocket.max.client.messages.per.s
 * @param allowedOrigins websocket.allowed.origins; empty allows any
 * @param queueMaxMessages websocket.queue.max.messages
 * @param eventsStream websocket.events.stream
 * @param readBlock websocket.read.block.ms
 * @param readCount websocket.read.count
 * @param maxThreads websocket.threads.max, the server's thread pool
 * @param minThreads websocket.threads.min, at most maxThreads
 * @param catchUpThreads websocket.catchup.threads
 * @param fanoutThreads websocket.fanout.threads; 0 in the file means one per core
 * @param redisPoolSize websocket.redis.pool.size
 * @param clusterPrefix websocket.cluster.prefix
 * @param instanceTimeout websocket.instance.timeout.ms
 * @param cacheTtl websocket.cache.ttl.s
 * @param corsOrigins websocket.cors.origins; "*" allows any, empty none
 * @param webhookBatch webhook.batch.ms
 * @param webhookQueueMax webhook.queue.max
 * @param webhookRetries webhook.retries
 * @param webhookTimeout webhook.timeout.ms
 */
public record WebSocketSinkSettings(
        String host,
        int port,
        Apps apps,
        String redisUrl,
        boolean redisCluster,
        int groupDepth,
        String streamPrefix,
        String latestPrefix,
        long streamMaxLen,
        List<Long> windowsMs,
        String channel,
        String event,
        int activityTimeoutSeconds,
        Duration pongTimeout,
        Duration closeGrace,
        int maxMessageBytes,
        int maxConnections,
        int maxSubscriptions,
        int maxClientMessagesPerSecond,
        Set<String> allowedOrigins,
        int queueMaxMessages,
        String eventsStream,
        Duration readBlock,
        int readCount,
        int maxThreads,
        int minThreads,
        int catchUpThreads,
        int fanoutThreads,
        int redisPoolSize,
        String clusterPrefix,
        Duration instanceTimeout,
        Duration cacheTtl,
        Set<String> corsOrigins,
        Duration webhookBatch,
        int webhookQueueMax,
        int webhookRetries,
        Duration webhookTimeout) {

    public WebSocketSinkSettings {
        corsOrigins = Set.copyOf(corsOrigins);
        Objects.requireNonNull(apps, "apps");
        Objects.requireNonNull(redisUrl, "redisUrl");
        windowsMs = List.copyOf(windowsMs);
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /** The first app's id: with pusher.app.*, the only app's. */
    public String appId() {
        return apps.first().id();
    }

    /** The first app's key, the one the dashboard connects with. */
    public String appKey() {
        return apps.first().key();
    }

    /** The first app's secret. */
    public String appSecret() {
        return apps.first().secret();
    }

    /**
     * Reads the settings; every bad value is a {@link io.sluice.config.ConfigException} naming its
     * key. {@code redis.url} must be a real address by now: "embedded" is for the caller to resolve
     * (the demo and the tests start the services first).
     */
    public static WebSocketSinkSettings fromConfig(SluiceConfig config) {
        String redis = config.get(ConfigKeys.REDIS_URL);
        if (!redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
            throw config.invalid(
                    ConfigKeys.REDIS_URL,
                    "websocket-sink needs a real Redis (redis://host:port); start the embedded services with"
                            + " flink-deploy/local-services, or use the demo, which starts everything");
        }
        boolean cluster = config.getBoolean(ConfigKeys.REDIS_CLUSTER);
        int servers;
        try {
            servers = RedisClients.urls(redis).size();
        } catch (IllegalArgumentException e) {
            throw config.invalid(ConfigKeys.REDIS_URL, e.getMessage());
        }
        if (servers > 1 && !cluster) {
            throw config.invalid(
                    ConfigKeys.REDIS_URL,
                    "names several servers, which only a Redis Cluster has: set "
                            + ConfigKeys.REDIS_CLUSTER
                            + "=true, or give one URL");
        }
        String clusterPrefix = nonBlank(config, ConfigKeys.WEBSOCKET_CLUSTER_PREFIX);
        if (cluster && !hasHashTag(clusterPrefix)) {
            throw config.invalid(
                    ConfigKeys.WEBSOCKET_CLUSTER_PREFIX,
                    "needs a hash tag with redis.cluster=true, like sluice:{ws}:, so that the keys"
                            + " the instances share are on one slot, as their scripts need");
        }
        List<Long> windows = new ArrayList<>();
        for (String w : config.getList(ConfigKeys.WEBSOCKET_WINDOWS)) {
            long ms;
            try {
                ms = SluiceConfig.parseDuration(w).toMillis();
            } catch (IllegalArgumentException e) {
                throw config.invalid(
                        ConfigKeys.WEBSOCKET_WINDOWS,
                        "'" + w + "' is not a duration like 1s or 1m");
            }
            if (ms <= 0) {
                throw config.invalid(
                        ConfigKeys.WEBSOCKET_WINDOWS, "a window size must be positive");
            }
            windows.add(ms);
        }
        if (windows.isEmpty()) {
            throw config.invalid(ConfigKeys.WEBSOCKET_WINDOWS, "name at least one window size");
        }
        int maxThreads = config.getPositiveInt(ConfigKeys.WEBSOCKET_THREADS_MAX);
        int minThreads = config.getPositiveInt(ConfigKeys.WEBSOCKET_THREADS_MIN);
        if (minThreads > maxThreads) {
            throw config.invalid(
                    ConfigKeys.WEBSOCKET_THREADS_MIN,
                    "must not be more than "
                            + ConfigKeys.WEBSOCKET_THREADS_MAX
                            + " ("
                            + maxThreads
                            + ")");
        }
        return new WebSocketSinkSettings(
                config.get(ConfigKeys.WEBSOCKET_HOST),
                port(config, ConfigKeys.WEBSOCKET_PORT),
                Apps.fromConfig(config),
                redis,
                cluster,
                config.getPositiveInt(ConfigKeys.REDIS_GROUP_DEPTH),
                nonBlank(config, ConfigKeys.REDIS_STREAM_PREFIX),
                nonBlank(config, ConfigKeys.REDIS_LATEST_PREFIX),
                config.getPositiveInt(ConfigKeys.REDIS_STREAM_MAXLEN),
                windows,
                nonBlank(config, ConfigKeys.WEBSOCKET_CHANNEL),
                nonBlank(config, ConfigKeys.WEBSOCKET_EVENT),
                config.getPositiveInt(ConfigKeys.WEBSOCKET_ACTIVITY_TIMEOUT_S),
                Duration.ofMillis(config.getPositiveInt(ConfigKeys.WEBSOCKET_PONG_TIMEOUT_MS)),
                Duration.ofMillis(config.getPositiveInt(ConfigKeys.WEBSOCKET_CLOSE_GRACE_MS)),
                config.getPositiveInt(ConfigKeys.WEBSOCKET_MAX_MESSAGE_BYTES),
                config.getPositiveInt(ConfigKeys.WEBSOCKET_MAX_CONNECTIONS),
                config.getPositiveInt(ConfigKeys.WEBSOCKET_MAX_SUBSCRIPTIONS),
                config.getPositiveInt(ConfigKeys.WEBSOCKET_MAX_CLIENT_MESSAGES_PER_S),
                Set.copyOf(config.getList(ConfigKeys.WEBSOCKET_ALLOWED_ORIGINS)),
                config.getPositiveInt(ConfigKeys.WEBSOCKET_QUEUE_MAX_MESSAGES),
                nonBlank(config, ConfigKeys.WEBSOCKET_EVENTS_STREAM),
                Duration.ofMillis(config.getPositiveInt(ConfigKeys.WEBSOCKET_READ_BLOCK_MS)),
                config.getPositiveInt(ConfigKeys.WEBSOCKET_READ_COUNT),
                maxThreads,
                minThreads,
                config.getPositiveInt(ConfigKeys.WEBSOCKET_CATCHUP_THREADS),
                fanoutThreads(config),
                config.getPositiveInt(ConfigKeys.WEBSOCKET_REDIS_POOL_SIZE),
                clusterPrefix,
                Duration.ofMillis(config.getPositiveInt(ConfigKeys.WEBSOCKET_INSTANCE_TIMEOUT_MS)),
                Duration.ofSeconds(config.getPositiveInt(ConfigKeys.WEBSOCKET_CACHE_TTL_S)),
                Set.copyOf(config.getList(ConfigKeys.WEBSOCKET_CORS_ORIGINS)),
                Duration.ofMillis(config.getPositiveInt(ConfigKeys.WEBHOOK_BATCH_MS)),
                config.getPositiveInt(ConfigKeys.WEBHOOK_QUEUE_MAX),
                nonNegative(config, ConfigKeys.WEBHOOK_RETRIES),
                Duration.ofMillis(config.getPositiveInt(ConfigKeys.WEBHOOK_TIMEOUT_MS)));
    }

    /** A non-empty {...} in a key, which Redis Cluster hashes instead of the whole key. */
    private static boolean hasHashTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1;
    }

    private static int fanoutThreads(SluiceConfig config) {
        int v = nonNegative(config, ConfigKeys.WEBSOCKET_FANOUT_THREADS);
        return v == 0 ? Runtime.getRuntime().availableProcessors() : v;
    }

    private static int port(SluiceConfig config, String key) {
        int v = config.getInt(key);
        if (v < 0 || v > 65535) {
            throw config.invalid(key, "must be a port, 0 to 65535");
        }
        return v;
    }

    private static int nonNegative(SluiceConfig config, String key) {
        int v = config.getInt(key);
        if (v < 0) {
            throw config.invalid(key, "must not be negative");
        }
        return v;
    }

    private static String nonBlank(SluiceConfig config, String key) {
        String v = config.get(key);
        if (v.isBlank()) {
            throw config.invalid(key, "must not be empty");
        }
        return v;
    }
}
