package io.sluice.update;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisClientsTest {
    @Test
    void theProtocolIsSettledSoJedisNeitherNegotiatesNorWarns() {
        JedisClientConfig config = RedisClients.config().socketTimeoutMillis(1234).build();

        // Jedis warns when auto-negotiation is on and no protocol is named; naming RESP2 would send
        // HELLO 2, which Redis before 6.0 refuses. Neither: RESP2 without a handshake.
        assertThat(config.isAutoNegotiateProtocol()).isFalse();
        assertThat(config.getRedisProtocol()).isNull();
        assertThat(config.getSocketTimeoutMillis()).isEqualTo(1234);
    }

    @Test
    void aClustersUrlListsItsNodesCommaSeparated() {
        String url = "redis://:secret@10.0.0.1:7000, redis://10.0.0.2:7001,10.0.0.3:7002";

        assertThat(RedisClients.urls(url))
                .extracting(URI::getHost)
                .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(RedisClients.nodes(url))
                .containsExactly(
                        new HostAndPort("10.0.0.1", 7000),
                        new HostAndPort("10.0.0.2", 7001),
                        new HostAndPort("10.0.0.3", 7002));
        assertThat(RedisClients.urls("redis://127.0.0.1"))
                .containsExactly(URI.create("redis://127.0.0.1:6379"));
    }

    @Test
    void aMovedReplyKeepsTheLoginAndDatabaseOfTheUrl() {
        URI moved =
                RedisClients.atNode(
                        URI.create("rediss://user:pw@10.0.0.1:7000/0"),
                        new HostAndPort("10.0.0.9", 7009));

        assertThat(moved).hasToString("rediss://user:pw@10.0.0.9:7009/0");
    }

    @Test
    void aUrlThatIsNotRedisIsNamedInTheError() {
        assertThatThrownBy(() -> RedisClients.urls("redis://a:1,http://b:2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'http://b:2'");
        assertThatThrownBy(() -> RedisClients.urls(" , "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Redis URL");
    }
}
