package io.sluice.update;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;

import java.net.URI;

/**
 * The one place that makes a Jedis connection's configuration, so that every module talks to Redis
 * the same way.
 *
 * <p>RESP2 without a HELLO handshake, said explicitly: the {@link Jedis} class speaks only RESP2,
 * and with protocol negotiation left on it logs a warning on every connection before falling back
 * to exactly this (issue 9, item 8). Naming RESP2 instead ({@code .protocol(RESP2)}) would send
 * {@code HELLO 2}, which Redis before 6.0 rejects; this way any Redis works, as before.
 */
public final class RedisClients {
    private RedisClients() {}

    /** A client configuration builder with the protocol settled; add timeouts and a name to it. */
    public static DefaultJedisClientConfig.Builder config() {
        return DefaultJedisClientConfig.builder().autoNegotiateProtocol(false);
    }

    /** A connection to {@code redis://host:port} with Jedis's default timeouts. */
    public static Jedis connect(URI redisUrl) {
        return new Jedis(redisUrl, config().build());
    }
}
