package io.sluice.job.sinks.redis;

import io.sluice.update.RedisClients;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

import java.net.URI;

/**
 * The publisher's way to Redis: one connection to one Redis, or a client of a Redis Cluster that
 * sends each command of a pipeline to the master of its key's slot. Each stream and each
 * latest-values hash is one key, so every command the sink sends is on one slot.
 */
interface RedisConnection extends AutoCloseable {
    /** Opens and checks it (PING); throws a JedisException when Redis does not answer. */
    static RedisConnection open(RedisSinkOptions options, DefaultJedisClientConfig.Builder config) {
        if (options.cluster()) {
            return new Cluster(
                    (RedisClusterClient) RedisClients.pooled(options.redisUrl(), true, config, 2));
        }
        return new Single(new Jedis(URI.create(options.redisUrl()), config.build()));
    }

    AbstractPipeline pipelined();

    /** Loads a script on the Redis (or the cluster's node) that holds the key; its SHA-1. */
    byte[] loadScript(byte[] script, byte[] key);

    /** Closes it; a round in flight on it ends with an error. */
    @Override
    void close();

    /** One connection to one Redis. */
    final class Single implements RedisConnection {
        private final Jedis jedis;

        Single(Jedis jedis) {
            this.jedis = jedis;
            try {
                jedis.ping();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public AbstractPipeline pipelined() {
            return jedis.pipelined();
        }

        @Override
        public byte[] loadScript(byte[] script, byte[] key) {
            return jedis.scriptLoad(script);
        }

        @Override
        public void close() {
            jedis.close();
        }
    }

    /** A Redis Cluster: a pool of connections to each of its masters. */
    final class Cluster implements RedisConnection {
        private final UnifiedJedis cluster;

        Cluster(UnifiedJedis cluster) {
            this.cluster = cluster;
            try {
                cluster.ping();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public AbstractPipeline pipelined() {
            return cluster.pipelined();
        }

        @Override
        public byte[] loadScript(byte[] script, byte[] key) {
            return cluster.scriptLoad(script, key);
        }

        @Override
        public void close() {
            cluster.close();
        }
    }
}
