package io.sluice.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedRedisServerIT {
    @TempDir Path dir;

    @Test
    void entriesAddedToAStreamWithXaddAreReadBackWithXread() {
        try (EmbeddedRedisServer redis = EmbeddedRedisServer.builder(dir.resolve("redis")).start();
                RedisClient client = RedisClient.create(redis.redisUrl())) {
            for (int i = 0; i < 5; i++) {
                client.xadd(
                        "sluice:windows",
                        XAddParams.xAddParams().maxLen(3).exactTrimming(),
                        Map.of("tag", "tag-" + i, "avg", Double.toString(i * 0.5)));
            }

            List<Map.Entry<String, List<StreamEntry>>> read =
                    client.xread(
                            XReadParams.xReadParams().count(10),
                            Map.of("sluice:windows", new StreamEntryID(0, 0)));

            assertThat(read).hasSize(1);
            assertThat(read.get(0).getValue())
                    .extracting(e -> e.getFields().get("tag"))
                    .containsExactly("tag-2", "tag-3", "tag-4"); // MAXLEN 3 kept the newest three
        }
    }

    @Test
    void closeStopsTheServerProcessFreesItsPortAndDeletesItsFiles() {
        EmbeddedRedisServer redis = EmbeddedRedisServer.builder(dir.resolve("redis")).start();
        int port = redis.port();
        assertThat(redisServerProcesses()).isEqualTo(1);

        redis.close();
        redis.close(); // idempotent

        assertThat(redisServerProcesses()).isZero();
        assertThat(dir.resolve("redis")).doesNotExist();
        assertThat(Net.isFree(port)).isTrue();
    }

    @Test
    void restartKeepsThePortAndLosesTheData() {
        try (EmbeddedRedisServer redis =
                EmbeddedRedisServer.builder(dir.resolve("redis")).start()) {
            String url = redis.redisUrl();
            try (RedisClient client = RedisClient.create(url)) {
                client.set("before", "restart");
            }

            redis.restart();

            assertThat(redis.redisUrl()).isEqualTo(url);
            assertThat(redisServerProcesses()).isEqualTo(1);
            try (RedisClient client = RedisClient.create(url)) {
                assertThat(client.get("before")).isNull(); // nothing persisted
                client.set("after", "restart");
                assertThat(client.get("after")).isEqualTo("restart");
            }
        }
    }

    @Test
    void aTakenPortIsReportedInOneSentenceNamingTheServiceAndAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedRedisServer.Builder builder =
                    EmbeddedRedisServer.builder(dir.resolve("redis")).port(taken.getLocalPort());

            assertThatThrownBy(builder::start)
                    .isInstanceOf(ServiceStartException.class)
                    .hasMessage(
                            "Embedded Redis cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort()
                                    + " because the port is already in use.");
        }
    }

    /** redis-server processes started by this JVM. */
    static long redisServerProcesses() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .count();
    }
}
