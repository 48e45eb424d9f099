package io.sluice.update;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that makes a Jedis connection's configuration and clients, so that every module
 * talks to Redis, or to a Redis Cluster, the same way.
 *
 * <p>RESP2 without a HELLO handshake, said explicitly: the {@link Jedis} class speaks only RESP2,
 * and with protocol negotiation left on it logs a warning on every connection before falling back
 * to exactly this (issue 9, item 8). Naming RESP2 instead ({@code .protocol(RESP2)}) would send
 * {@code HELLO 2}, which Redis before 6.0 rejects; this way any Redis works, as before.
 *
 * <p>{@code redis.url} is one URL for one Redis; for a Redis Cluster ({@code redis.cluster=true})
 * it may list several of its nodes, comma-separated, any of which lets the client find the rest.
 */
public final class RedisClients {
    private static final int DEFAULT_PORT = 6379;

    private RedisClients() {}

    /** A client configuration builder with the protocol settled; add timeouts and a name to it. */
    public static DefaultJedisClientConfig.Builder config() {
        return DefaultJedisClientConfig.builder().autoNegotiateProtocol(false);
    }

    /** A connection to {@code redis://host:port} with Jedis's default timeouts. */
    public static Jedis connect(URI redisUrl) {
        return new Jedis(redisUrl, config().build());
    }

    /**
     * A pooled client of {@code redis.url}: of one Redis, or, with {@code cluster}, of the Redis
     * Cluster that its nodes belong to (commands go to the master of their key's slot).
     */
    public static UnifiedJedis pooled(
            String redisUrl,
            boolean cluster,
            DefaultJedisClientConfig.Builder config,
            int poolSize) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        URI first = urls(redisUrl).get(0);
        if (!cluster) {
            return RedisClient.builder()
                    .hostAndPort(JedisURIHelper.getHostAndPort(first))
                    .clientConfig(withCredentials(config, first).build())
                    .poolConfig(pool)
                    .build();
        }
        return RedisClusterClient.builder()
                .nodes(nodes(redisUrl))
                .clientConfig(withCredentials(config, first).build())
                .poolConfig(pool)
                .build();
    }

    /** The URLs of {@code redis.url}, in order: one, or a cluster's nodes, comma-separated. */
    public static List<URI> urls(String redisUrl) {
        List<URI> urls = new ArrayList<>();
        for (String part : redisUrl.split(",")) {
            String url = part.strip();
            if (url.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(url.contains("://") ? url : "redis://" + url);
                if (uri.getHost() != null && uri.getPort() < 0) {
                    uri = atNode(uri, new HostAndPort(uri.getHost(), DEFAULT_PORT));
                }
            } catch (URISyntaxException e) {
                uri = null;
            }
            if (uri == null
                    || !JedisURIHelper.isValid(uri)
                    || !(JedisURIHelper.isRedisScheme(uri)
                            || JedisURIHelper.isRedisSSLScheme(uri))) {
                throw new IllegalArgumentException(
                        "not a Redis URL (redis://host:port): '" + url + "' in '" + redisUrl + "'");
            }
            urls.add(uri);
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no Redis URL in '" + redisUrl + "'");
        }
        return urls;
    }

    /** Host and port of each URL of {@code redis.url}. */
    public static Set<HostAndPort> nodes(String redisUrl) {
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        for (URI uri : urls(redisUrl)) {
            nodes.add(JedisURIHelper.getHostAndPort(uri));
        }
        return nodes;
    }

    /**
     * The URL of another node with the same scheme, login and database: where a cluster's {@code
     * MOVED} reply sends a client.
     */
    public static URI atNode(URI url, HostAndPort node) {
        try {
            return new URI(
                    url.getScheme(),
                    url.getUserInfo(),
                    node.getHost(),
                    node.getPort(),
                    url.getPath(),
                    null,
                    null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot point " + url + " at " + node, e);
        }
    }

    /** The login, database and TLS of a URL added to a client configuration. */
    private static DefaultJedisClientConfig.Builder withCredentials(
            DefaultJedisClientConfig.Builder config, URI url) {
        config.ssl(JedisURIHelper.isRedisSSLScheme(url));
        if (JedisURIHelper.hasDbIndex(url)) {
            config.database(JedisURIHelper.getDBIndex(url));
        }
        String user = JedisURIHelper.getUser(url);
        String password = JedisURIHelper.getPassword(url);
        if (user != null) {
            config.user(user);
        }
        if (password != null) {
            config.password(password);
        }
        return config;
    }
}
