package io.sluice.local;

import io.sluice.update.RedisClients;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static java.util.Objects.requireNonNull;

/**
 * A Redis Cluster of real redis-server processes on loopback ports: N masters, no replicas, the
 * 16,384 hash slots split evenly, joined with {@code CLUSTER ADDSLOTS} and {@code CLUSTER MEET} as
 * an operator joins them. Each node's folder is under the given data directory; {@link #close()}
 * stops every node and deletes them.
 */
public final class EmbeddedRedisCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisCluster.class);
    private static final int SLOTS = 16_384;
    private static final long JOIN_TIMEOUT_MS = 20_000;

    private final Path dataDirectory;
    private final int masters;
    private final List<EmbeddedRedisServer> nodes = new ArrayList<>();

    /** A cluster of {@code masters} nodes (at least 3, as Redis asks of a cluster). */
    public EmbeddedRedisCluster(Path dataDirectory, int masters) {
        if (masters < 3) {
            throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters");
        }
        this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory").toAbsolutePath();
        this.masters = masters;
    }

    /** Starts the nodes, joins them and waits until every node says {@code cluster_state:ok}. */
    public synchronized EmbeddedRedisCluster start() {
        long begin = System.nanoTime();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(
                        EmbeddedRedisServer.builder(dataDirectory.resolve("node-" + i))
                                .clusterNode(true)
                                .start());
            }
            join();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(
                "Redis Cluster of {} masters started on {} in {} ms",
                masters,
                redisUrl(),
                (System.nanoTime() - begin) / 1_000_000);
        return this;
    }

    private void join() {
        for (int i = 0; i < nodes.size(); i++) {
            try (Jedis node = connect(i)) {
                int from = SLOTS * i / nodes.size();
                int to = SLOTS * (i + 1) / nodes.size();
                int[] slots = new int[to - from];
                for (int s = from; s < to; s++) {
                    slots[s - from] = s;
                }
                node.clusterAddSlots(slots);
                if (i > 0) {
                    node.clusterMeet(Net.LOOPBACK, nodes.get(0).port());
                }
            }
        }
        long deadline = System.currentTimeMillis() + JOIN_TIMEOUT_MS;
        for (int i = 0; i < nodes.size(); i++) {
            try (Jedis node = connect(i)) {
                while (!joined(node.clusterInfo())) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new ServiceStartException(
                                "Embedded Redis Cluster: node "
                                        + nodes.get(i).redisUrl()
                                        + " did not see the cluster complete within "
                                        + JOIN_TIMEOUT_MS
                                        + " ms: "
                                        + node.clusterInfo().lines().limit(3).toList(),
                                null);
                    }
                    sleep(50);
                }
            }
        }
    }

    private boolean joined(String clusterInfo) {
        return clusterInfo.contains("cluster_state:ok")
                && clusterInfo.contains("cluster_known_nodes:" + nodes.size() + "\r\n");
    }

    /** Every node's URL, comma-separated: a {@code redis.url} for {@code redis.cluster=true}. */
    public synchronized String redisUrl() {
        StringJoiner urls = new StringJoiner(",");
        nodes.forEach(n -> urls.add(n.redisUrl()));
        return urls.toString();
    }

    /** The nodes, in the order of their slot ranges. */
    public synchronized List<EmbeddedRedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** Stops every node and deletes its folder; idempotent. */
    @Override
    public synchronized void close() {
        for (EmbeddedRedisServer node : nodes) {
            node.close();
        }
        nodes.clear();
    }

    private Jedis connect(int node) {
        return RedisClients.connect(URI.create(nodes.get(node).redisUrl()));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceStartException("interrupted while the Redis Cluster formed", e);
        }
    }
}
