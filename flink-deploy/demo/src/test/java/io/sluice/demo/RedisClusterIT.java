package io.sluice.demo;

import io.sluice.config.SluiceConfig;
import io.sluice.local.EmbeddedRedisCluster;
import io.sluice.local.EmbeddedRedisServer;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;
import io.sluice.testing.WindowOracle;
import io.sluice.websocket.WebSocketSink;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.BufferedReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline on a Redis Cluster of three masters, started from the embedded redis-server binary
 * and joined with CLUSTER commands: the job's Redis sink writes each stream and latest-values hash
 * on the master of its slot; websocket-sink reads the streams from there and pushes them to a
 * client, whose windows equal the oracle's; two websocket-sink instances share presence through the
 * cluster state, whose keys share one slot by their hash tag.
 */
class RedisClusterIT {
    private static final int TAGS = 60;
    private static final int SECONDS = 15;
    private static final String STREAM_1S = "sluice:updates:1s";

    @TempDir Path dir;

    @Test
    void liveUpdatesAndPresenceRunOnARedisClusterOfThreeMasters() throws Exception {
        long began = System.nanoTime();
        Path copy = dir.resolve("readings.ndjson");
        Files.createDirectories(dir.resolve("run"));
        WebSocketClient client = new WebSocketClient();
        client.setMaxTextMessageSize(1 << 20);
        client.start();
        try (EmbeddedRedisCluster redis =
                new EmbeddedRedisCluster(dir.resolve("redis-cluster"), 3).start()) {
            SluiceConfig config =
                    SluiceConfig.load(
                            Map.of(),
                            Map.ofEntries(
                                    Map.entry("local.data.dir", dir.resolve("run").toString()),
                                    Map.entry("local.flink.rest.port", "0"),
                                    Map.entry("websocket.port", "0"),
                                    Map.entry("websocket.host", "127.0.0.1"),
                                    Map.entry("redis.url", seedAwayFrom(redis, STREAM_1S)),
                                    Map.entry("redis.cluster", "true"),
                                    Map.entry("simulator.tags", "" + TAGS),
                                    Map.entry("simulator.count", "" + TAGS * 10 * SECONDS),
                                    Map.entry("simulator.copy.file", copy.toString())));
            try (Demo demo = new Demo(config).start()) {
                TestSocket live = connect(client, demo.sink());
                live.subscribe("scada-data");

                // Windows as they come, until the simulator has sent everything and one more
                // second of windows has passed.
                Map<String, long[]> received = new HashMap<>(); // tag@start -> n, min, max bits
                Map<String, TreeSet<Long>> startsByTag = new TreeMap<>();
                long until = Long.MAX_VALUE;
                while (System.nanoTime() < until) {
                    JsonNode m = live.poll(Duration.ofSeconds(5));
                    if (demo.simulatorEnded().isDone() && until == Long.MAX_VALUE) {
                        assertThat(demo.simulatorEnded().get()).as("simulator failure").isNull();
                        until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    }
                    if (m == null || !"scada.data.received".equals(m.path("event").asText())) {
                        continue;
                    }
                    JsonNode update = m.path("data"); // the socket parsed the event's data
                    if (update.path("snapshot").asBoolean() || update.path("w").asLong() != 1000) {
                        continue;
                    }
                    long start = update.path("s").asLong();
                    String group = update.path("g").asText();
                    for (Iterator<Map.Entry<String, JsonNode>> t = update.path("t").fields();
                            t.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = t.next();
                        String tag = group + "." + e.getKey();
                        JsonNode v = e.getValue();
                        received.put(
                                tag + "@" + start,
                                new long[] {
                                    v.get(0).asLong(),
                                    Double.doubleToLongBits(v.get(1).asDouble()),
                                    Double.doubleToLongBits(v.get(2).asDouble())
                                });
                        startsByTag.computeIfAbsent(tag, k -> new TreeSet<>()).add(start);
                    }
                }

                // Every window the client saw equals the oracle, with no gap for any tag.
                Map<String, WindowOracle.Row> oracle =
                        WindowOracle.expected(readings(copy), new long[] {1000});
                int wrong = 0;
                for (Map.Entry<String, long[]> e : received.entrySet()) {
                    String[] tagAndStart = e.getKey().split("@");
                    WindowOracle.Row row =
                            oracle.get(
                                    WindowOracle.key(
                                            tagAndStart[0], 1000, Long.parseLong(tagAndStart[1])));
                    long[] v = e.getValue();
                    if (row == null
                            || row.count() != v[0]
                            || row.min() != Double.longBitsToDouble(v[1])
                            || row.max() != Double.longBitsToDouble(v[2])) {
                        wrong++;
                    }
                }
                List<String> gaps = WindowOracle.gaps(startsByTag, oracle, 1000);
                System.out.printf(
                        "RedisClusterIT: %,d windows of %d tags pushed through a Redis Cluster of"
                                + " 3 masters, %d wrong, %d windows missing; %.0f s from the"
                                + " cluster's start%n",
                        received.size(),
                        startsByTag.size(),
                        wrong,
                        gaps.size(),
                        (System.nanoTime() - began) / 1e9);
                assertThat(startsByTag).as("tags the client saw").hasSize(TAGS);
                assertThat(received.size()).as("windows").isGreaterThanOrEqualTo(TAGS * 5);
                assertThat(wrong).as("windows unlike the oracle").isZero();
                assertThat(gaps).as("windows missing between a tag's first and last").isEmpty();

                // The keys spread over the masters by slot; the cluster state's share one slot.
                Map<Integer, List<String>> keysByNode = keysByNode(redis);
                System.out.println("RedisClusterIT: keys by node " + keysByNode);
                assertThat(keysByNode.values().stream().filter(keys -> !keys.isEmpty()).count())
                        .as("masters holding Sluice's keys")
                        .isGreaterThanOrEqualTo(2);
                assertThat(
                                keysByNode.values().stream()
                                        .filter(
                                                keys ->
                                                        keys.stream()
                                                                .anyMatch(
                                                                        k ->
                                                                                k.startsWith(
                                                                                        "sluice:{ws}:")))
                                        .count())
                        .as("masters holding the cluster state")
                        .isEqualTo(1);

                // Presence across two instances on the cluster.
                WebSocketSink second = WebSocketSink.fromConfig(demo.resolved());
                second.start();
                try {
                    TestSocket alice = connect(client, demo.sink());
                    alice.join("presence-control-room", "alice", "{\"name\":\"Alice\"}");
                    TestSocket bob = connect(client, second);
                    JsonNode members =
                            bob.join("presence-control-room", "bob", "{\"name\":\"Bob\"}");
                    assertThat(members.path("count").asInt()).isEqualTo(2);
                    assertThat(members.path("hash").has("alice")).isTrue();
                    JsonNode added = alice.nextEvent("pusher_internal:member_added");
                    assertThat(added.path("data").path("user_id").asText()).isEqualTo("bob");
                } finally {
                    second.stop();
                }
            }
        } finally {
            client.stop();
        }
    }

    private static TestSocket connect(WebSocketClient client, WebSocketSink sink) throws Exception {
        TestSocket socket = new TestSocket();
        client.connect(socket, SinkFixture.wsUri(sink)).get(10, TimeUnit.SECONDS);
        socket.established(socket.nextEvent("pusher:connection_established"));
        return socket;
    }

    /**
     * The one node given in redis.url: one that does not serve the 1 s stream, so that the job's
     * client finds the others and websocket-sink's reader follows a MOVED reply.
     */
    private static String seedAwayFrom(EmbeddedRedisCluster redis, String key) {
        List<EmbeddedRedisServer> nodes = redis.nodes();
        int owner = JedisClusterCRC16.getSlot(key) * nodes.size() / 16_384;
        return nodes.get((owner + 1) % nodes.size()).redisUrl();
    }

    /** Each master's port and the Sluice keys it holds. */
    private static Map<Integer, List<String>> keysByNode(EmbeddedRedisCluster redis) {
        Map<Integer, List<String>> keys = new TreeMap<>();
        for (EmbeddedRedisServer node : redis.nodes()) {
            try (Jedis j = new Jedis(URI.create(node.redisUrl()))) {
                keys.put(node.port(), new ArrayList<>(new TreeSet<>(j.keys("sluice*"))));
            }
        }
        return keys;
    }

    private static List<Reading> readings(Path copy) throws Exception {
        ReadingCodec codec = ReadingCodec.withDefaults();
        List<Reading> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(copy, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Reading r = new Reading();
                assertThat(codec.decode(line.getBytes(StandardCharsets.UTF_8), r)).isNull();
                out.add(r);
            }
        }
        return out;
    }
}
