package io.sluice.job.sinks.redis;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.update.RedisClients;
import io.sluice.update.UpdateCodec;
import io.sluice.update.UpdateKeys;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Settings of the {@link RedisSink}: where Redis is, how updates are grouped and keyed, and how the
 * sink behaves while Redis is down.
 *
 * <p>Immutable and serializable: the sink carries it to the task managers. Each field's default is
 * a {@code DEFAULT_*} constant, the same as in conf/sluice.properties; {@link #fromConfig} reads
 * the {@code redis.*} keys.
 */
public final class RedisSinkOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    public static final int DEFAULT_GROUP_DEPTH = 2;
    public static final String DEFAULT_STREAM_PREFIX = UpdateKeys.DEFAULT_STREAM_PREFIX;
    public static final long DEFAULT_STREAM_MAXLEN = 10_000;
    public static final String DEFAULT_LATEST_PREFIX = UpdateKeys.DEFAULT_LATEST_PREFIX;
    public static final int DEFAULT_VALUE_DIGITS = UpdateCodec.DEFAULT_DIGITS;
    public static final long DEFAULT_LINGER_MS = 200;
    public static final long DEFAULT_RETRY_INITIAL_MS = 100;
    public static final long DEFAULT_RETRY_MAX_MS = 10_000;
    public static final int DEFAULT_TIMEOUT_MS = 2000;
    public static final long DEFAULT_BUFFER_MAX_BYTES = 8L * 1024 * 1024;

    private final String redisUrl;
    private final boolean cluster;
    private final int groupDepth;
    private final String streamPrefix;
    private final long streamMaxLen;
    private final String latestPrefix;
    private final int valueDigits;
    private final long lingerMs;
    private final long retryInitialMs;
    private final long retryMaxMs;
    private final int timeoutMs;
    private final long bufferMaxBytes;

    private RedisSinkOptions(Builder b) {
        this.redisUrl = b.redisUrl;
        this.cluster = b.cluster;
        this.groupDepth = b.groupDepth;
        this.streamPrefix = b.streamPrefix;
        this.streamMaxLen = b.streamMaxLen;
        this.latestPrefix = b.latestPrefix;
        this.valueDigits = b.valueDigits;
        this.lingerMs = b.lingerMs;
        this.retryInitialMs = b.retryInitialMs;
        this.retryMaxMs = b.retryMaxMs;
        this.timeoutMs = b.timeoutMs;
        this.bufferMaxBytes = b.bufferMaxBytes;
    }

    /** Every default, Redis on localhost:6379. */
    public static RedisSinkOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The options of the {@code redis.*} keys. {@code redis.url} must be a real address by now: a
     * program that allows {@code embedded} starts the embedded Redis first (LocalServices) and
     * passes the configuration with its URL ({@code config.with("redis.url", url)}).
     *
     * @throws io.sluice.config.ConfigException naming the key, its value and its source
     */
    public static RedisSinkOptions fromConfig(SluiceConfig config) {
        Builder b = builder();
        String url = config.get(ConfigKeys.REDIS_URL);
        if (url.equalsIgnoreCase("embedded")) {
            throw config.invalid(
                    ConfigKeys.REDIS_URL,
                    "must be resolved to a real address first: start the embedded Redis (LocalServices) and pass its URL");
        }
        apply(config, ConfigKeys.REDIS_URL, () -> b.withRedisUrl(url));
        apply(
                config,
                ConfigKeys.REDIS_CLUSTER,
                () -> b.withCluster(config.getBoolean(ConfigKeys.REDIS_CLUSTER)));
        apply(
                config,
                ConfigKeys.REDIS_GROUP_DEPTH,
                () -> b.withGroupDepth(config.getInt(ConfigKeys.REDIS_GROUP_DEPTH)));
        apply(
                config,
                ConfigKeys.REDIS_STREAM_PREFIX,
                () -> b.withStreamPrefix(config.get(ConfigKeys.REDIS_STREAM_PREFIX)));
        apply(
                config,
                ConfigKeys.REDIS_STREAM_MAXLEN,
                () -> b.withStreamMaxLen(config.getLong(ConfigKeys.REDIS_STREAM_MAXLEN)));
        apply(
                config,
                ConfigKeys.REDIS_LATEST_PREFIX,
                () -> b.withLatestPrefix(config.get(ConfigKeys.REDIS_LATEST_PREFIX)));
        apply(
                config,
                ConfigKeys.REDIS_VALUE_DIGITS,
                () -> b.withValueDigits(config.getInt(ConfigKeys.REDIS_VALUE_DIGITS)));
        apply(
                config,
                ConfigKeys.REDIS_LINGER_MS,
                () -> b.withLingerMs(config.getLong(ConfigKeys.REDIS_LINGER_MS)));
        apply(
                config,
                ConfigKeys.REDIS_RETRY_INITIAL_MS,
                () -> b.withRetryInitialMs(config.getLong(ConfigKeys.REDIS_RETRY_INITIAL_MS)));
        apply(
                config,
                ConfigKeys.REDIS_RETRY_MAX_MS,
                () -> b.withRetryMaxMs(config.getLong(ConfigKeys.REDIS_RETRY_MAX_MS)));
        apply(
                config,
                ConfigKeys.REDIS_TIMEOUT_MS,
                () -> b.withTimeoutMs(config.getInt(ConfigKeys.REDIS_TIMEOUT_MS)));
        apply(
                config,
                ConfigKeys.REDIS_BUFFER_MAX_BYTES,
                () -> b.withBufferMaxBytes(config.getLong(ConfigKeys.REDIS_BUFFER_MAX_BYTES)));
        if (!b.cluster && url.contains(",")) {
            throw config.invalid(
                    ConfigKeys.REDIS_URL,
                    "names several servers, which only a Redis Cluster has: set "
                            + ConfigKeys.REDIS_CLUSTER
                            + "=true, or give one URL");
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // Only the relation of the two retry delays is left to check here.
            throw config.invalid(
                    ConfigKeys.REDIS_RETRY_MAX_MS,
                    "must not be less than "
                            + ConfigKeys.REDIS_RETRY_INITIAL_MS
                            + " ("
                            + config.get(ConfigKeys.REDIS_RETRY_INITIAL_MS)
                            + ")");
        }
    }

    /** Runs one builder step; its IllegalArgumentException becomes an error naming the key. */
    private static void apply(SluiceConfig config, String key, Runnable step) {
        try {
            step.run();
        } catch (IllegalArgumentException e) {
            throw config.invalid(key, "is invalid: " + e.getMessage());
        }
    }

    /**
     * The Redis URL, {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}; for a
     * Redis Cluster, one or more of its nodes, comma-separated.
     */
    public String redisUrl() {
        return redisUrl;
    }

    /** True when {@link #redisUrl} names nodes of a Redis Cluster. */
    public boolean cluster() {
        return cluster;
    }

    /** {@code host:port} of the Redis URL (each, for a cluster), without credentials: for logs. */
    public String redisAddress() {
        StringJoiner nodes = new StringJoiner(",", cluster ? "Redis Cluster " : "", "");
        for (URI uri : RedisClients.urls(redisUrl)) {
            nodes.add(uri.getHost() + ":" + uri.getPort());
        }
        return nodes.toString();
    }

    public int groupDepth() {
        return groupDepth;
    }

    public String streamPrefix() {
        return streamPrefix;
    }

    public long streamMaxLen() {
        return streamMaxLen;
    }

    public String latestPrefix() {
        return latestPrefix;
    }

    public int valueDigits() {
        return valueDigits;
    }

    public long lingerMs() {
        return lingerMs;
    }

    public long retryInitialMs() {
        return retryInitialMs;
    }

    public long retryMaxMs() {
        return retryMaxMs;
    }

    public int timeoutMs() {
        return timeoutMs;
    }

    public long bufferMaxBytes() {
        return bufferMaxBytes;
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return builder()
                .withRedisUrl(redisUrl)
                .withCluster(cluster)
                .withGroupDepth(groupDepth)
                .withStreamPrefix(streamPrefix)
                .withStreamMaxLen(streamMaxLen)
                .withLatestPrefix(latestPrefix)
                .withValueDigits(valueDigits)
                .withLingerMs(lingerMs)
                .withRetryInitialMs(retryInitialMs)
                .withRetryMaxMs(retryMaxMs)
                .withTimeoutMs(timeoutMs)
                .withBufferMaxBytes(bufferMaxBytes);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisSinkOptions)) {
            return false;
        }
        RedisSinkOptions x = (RedisSinkOptions) o;
        return groupDepth == x.groupDepth
                && streamMaxLen == x.streamMaxLen
                && valueDigits == x.valueDigits
                && lingerMs == x.lingerMs
                && retryInitialMs == x.retryInitialMs
                && retryMaxMs == x.retryMaxMs
                && timeoutMs == x.timeoutMs
                && bufferMaxBytes == x.bufferMaxBytes
                && cluster == x.cluster
                && redisUrl.equals(x.redisUrl)
                && streamPrefix.equals(x.streamPrefix)
                && latestPrefix.equals(x.latestPrefix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                redisUrl,
                cluster,
                groupDepth,
                streamPrefix,
                streamMaxLen,
                latestPrefix,
                valueDigits,
                lingerMs,
                retryInitialMs,
                retryMaxMs,
                timeoutMs,
                bufferMaxBytes);
    }

    /** The options, with the Redis address but not its credentials. */
    @Override
    public String toString() {
        return "RedisSinkOptions{redis="
                + redisAddress()
                + ", groupDepth="
                + groupDepth
                + ", streamPrefix="
                + streamPrefix
                + ", streamMaxLen="
                + streamMaxLen
                + ", latestPrefix="
                + latestPrefix
                + ", valueDigits="
                + valueDigits
                + ", lingerMs="
                + lingerMs
                + ", retryMs="
                + retryInitialMs
                + ".."
                + retryMaxMs
                + ", timeoutMs="
                + timeoutMs
                + ", bufferMaxBytes="
                + bufferMaxBytes
                + "}";
    }

    /**
     * Builds {@link RedisSinkOptions}; every field starts at its default and is checked as it is
     * set.
     */
    public static final class Builder {
        private String redisUrl = DEFAULT_REDIS_URL;
        private boolean cluster;
        private int groupDepth = DEFAULT_GROUP_DEPTH;
        private String streamPrefix = DEFAULT_STREAM_PREFIX;
        private long streamMaxLen = DEFAULT_STREAM_MAXLEN;
        private String latestPrefix = DEFAULT_LATEST_PREFIX;
        private int valueDigits = DEFAULT_VALUE_DIGITS;
        private long lingerMs = DEFAULT_LINGER_MS;
        private long retryInitialMs = DEFAULT_RETRY_INITIAL_MS;
        private long retryMaxMs = DEFAULT_RETRY_MAX_MS;
        private int timeoutMs = DEFAULT_TIMEOUT_MS;
        private long bufferMaxBytes = DEFAULT_BUFFER_MAX_BYTES;

        private Builder() {}

        /**
         * {@code redis://host:port} (port 6379 if left out), with optional {@code user:password@}
         * and {@code /db}; or {@code rediss://}. For a Redis Cluster, several such URLs may be
         * given, comma-separated.
         */
        public Builder withRedisUrl(String redisUrl) {
            Objects.requireNonNull(redisUrl, "redisUrl");
            StringBuilder urls = new StringBuilder();
            for (String url : redisUrl.split(",")) {
                urls.append(urls.length() > 0 ? "," : "").append(normalized(url));
            }
            this.redisUrl = urls.toString();
            return this;
        }

        /** True: the URLs name nodes of a Redis Cluster. */
        public Builder withCluster(boolean cluster) {
            this.cluster = cluster;
            return this;
        }

        private static String normalized(String redisUrl) {
            URI uri;
            try {
                uri = new URI(redisUrl.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("redisUrl is not a URL: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                throw new IllegalArgumentException("redisUrl must be a redis:// or rediss:// URL");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("redisUrl must name a host: redis://host:port");
            }
            if (uri.getPort() < 0) {
                try {
                    uri =
                            new URI(
                                    scheme,
                                    uri.getUserInfo(),
                                    uri.getHost(),
                                    6379,
                                    uri.getPath(),
                                    uri.getQuery(),
                                    null);
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("redisUrl is not a URL: " + e.getMessage());
                }
            }
            return uri.toString();
        }

        /** Segments of the tag hierarchy that make a channel group, at least 1. */
        public Builder withGroupDepth(int groupDepth) {
            this.groupDepth = (int) atLeast("groupDepth", groupDepth, 1);
            return this;
        }

        /** Prefix of the stream keys; ':' and the window size are appended. */
        public Builder withStreamPrefix(String streamPrefix) {
            this.streamPrefix = keyPrefix("streamPrefix", streamPrefix);
            return this;
        }

        /** Approximate length cap of each stream, at least 1. */
        public Builder withStreamMaxLen(long streamMaxLen) {
            this.streamMaxLen = atLeast("streamMaxLen", streamMaxLen, 1);
            return this;
        }

        /**
         * Prefix of the latest-values hash keys; ':', the window size, ':' and the group are
         * appended.
         */
        public Builder withLatestPrefix(String latestPrefix) {
            this.latestPrefix = keyPrefix("latestPrefix", latestPrefix);
            return this;
        }

        /** Significant digits of mean, sd and twa, 1 to 17. */
        public Builder withValueDigits(int valueDigits) {
            if (valueDigits < 1 || valueDigits > 17) {
                throw new IllegalArgumentException(
                        "valueDigits must be 1 to 17, not " + valueDigits);
            }
            this.valueDigits = valueDigits;
            return this;
        }

        /**
         * How long a group's message collects its tags, wall-clock milliseconds; 0 sends each
         * record at once.
         */
        public Builder withLingerMs(long lingerMs) {
            this.lingerMs = atLeast("lingerMs", lingerMs, 0);
            return this;
        }

        /** First retry delay after a failure, milliseconds, at least 1. */
        public Builder withRetryInitialMs(long retryInitialMs) {
            this.retryInitialMs = atLeast("retryInitialMs", retryInitialMs, 1);
            return this;
        }

        /** Cap of the doubling retry delay, milliseconds; not less than the first delay. */
        public Builder withRetryMaxMs(long retryMaxMs) {
            this.retryMaxMs = atLeast("retryMaxMs", retryMaxMs, 1);
            return this;
        }

        /**
         * Connect and read timeout, and the longest wait for pending writes at end of input or
         * close, milliseconds.
         */
        public Builder withTimeoutMs(int timeoutMs) {
            this.timeoutMs = (int) atLeast("timeoutMs", timeoutMs, 1);
            return this;
        }

        /** Memory for stream messages waiting while Redis is down or slow, bytes, at least 1024. */
        public Builder withBufferMaxBytes(long bufferMaxBytes) {
            this.bufferMaxBytes = atLeast("bufferMaxBytes", bufferMaxBytes, 1024);
            return this;
        }

        public RedisSinkOptions build() {
            if (!cluster && redisUrl.contains(",")) {
                throw new IllegalArgumentException(
                        "several Redis URLs name a Redis Cluster: set cluster to true");
            }
            if (retryMaxMs < retryInitialMs) {
                throw new IllegalArgumentException(
                        "retryMaxMs ("
                                + retryMaxMs
                                + ") must not be less than retryInitialMs ("
                                + retryInitialMs
                                + ")");
            }
            return new RedisSinkOptions(this);
        }

        private static long atLeast(String name, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(
                        name + " must be at least " + min + ", not " + value);
            }
            return value;
        }

        private static String keyPrefix(String name, String prefix) {
            Objects.requireNonNull(prefix, name);
            if (prefix.isBlank() || prefix.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException(
                        name + " must be a Redis key prefix without spaces, like sluice:updates");
            }
            return prefix;
        }
    }
}
