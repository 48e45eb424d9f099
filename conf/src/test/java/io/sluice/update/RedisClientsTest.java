package io.sluice.update;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisClientConfig;

import static org.assertj.core.api.Assertions.assertThat;

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
}
