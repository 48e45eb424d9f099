package io.sluice.job.sinks.redis;

import io.sluice.update.RedisClients;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

import java.net.URI;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * The publisher's way to Redis: one connection to one Redis, or a client of a Redis Cluster that
 * sends each command of a pipeline to the master of its key's slot. Each stream and each
 * latest-values hash is one key, so every command the sink sends is on one slot.
 */
final class RedisConnection implements AutoCloseable {
    private final Supplier<AbstractPipeline> pipelined;
    private final BinaryOperator<byte[]> loadScript;
    private final Runnable close;

    private RedisConnection(
            Supplier<AbstractPipeline> pipelined,
            BinaryOperator<byte[]> loadScript,
            Runnable close) {
        this.pipelined = pipelined;
        this.loadScript = loadScript;
        this.close = close;
    }

    /** Opens and checks it (PING); throws a JedisException when Redis does not answer. */
    static RedisConnection open(RedisSinkOptions options, DefaultJedisClientConfig.Builder config) {
        if (options.cluster()) {
            UnifiedJedis cluster = RedisClients.pooled(options.redisUrl(), true, config, 2);
            return checked(cluster::ping, cluster::pipelined, cluster::scriptLoad, cluster::close);
        }
        Jedis jedis = new Jedis(URI.create(options.redisUrl()), config.build());
        // One Redis holds every key: the script goes there, whatever the key.
        return checked(
                jedis::ping,
                jedis::pipelined,
                (script, key) -> jedis.scriptLoad(script),
                jedis::close);
    }

    private static RedisConnection checked(
            Runnable ping,
            Supplier<AbstractPipeline> pipelined,
            BinaryOperator<byte[]> loadScript,
            Runnable close) {
        try {
            ping.run();
        } catch (RuntimeException e) {
            close.run();
            throw e;
        }
        return new RedisConnection(pipelined, loadScript, close);
    }

    AbstractPipeline pipelined() {
        return pipelined.get();
    }

    /** Loads a script on the Redis (or the cluster's node) that holds the key; its SHA-1. */
    byte[] loadScript(byte[] script, byte[] key) {
        return loadScript.apply(script, key);
    }

    /** Closes it; a round in flight on it ends with an error. */
    @Override
    public void close() {
        close.run();
    }
}
