package io.sluice.websocket;

import io.sluice.config.ConfigException;
import io.sluice.config.SluiceConfig;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebSocketSinkSettingsTest {
    private static WebSocketSinkSettings settings(String... keysAndValues) {
        Map<String, String> flags = new HashMap<>();
        flags.put("redis.url", "redis://127.0.0.1:6379");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            flags.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return WebSocketSinkSettings.fromConfig(SluiceConfig.load(Map.of(), flags));
    }

    @Test
    void aRedisClusterTakesSeveralNodesAndTheDefaultPrefixHasAHashTag() {
        WebSocketSinkSettings s =
                settings(
                        "redis.cluster", "true",
                        "redis.url", "redis://10.0.0.1:7000,redis://10.0.0.2:7000");

        assertThat(s.redisCluster()).isTrue();
        assertThat(s.redisUrl()).isEqualTo("redis://10.0.0.1:7000,redis://10.0.0.2:7000");
        assertThat(s.clusterPrefix()).isEqualTo("sluice:{ws}:");
    }

    @Test
    void severalServersWithoutClusterModeAreRefused() {
        assertThatThrownBy(() -> settings("redis.url", "redis://a:1,redis://b:2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis.url")
                .hasMessageContaining("redis.cluster=true");
    }

    @Test
    void aClusterPrefixWithoutAHashTagIsRefusedOnARedisCluster() {
        assertThat(settings("websocket.cluster.prefix", "sluice:ws:").clusterPrefix())
                .as("one Redis needs no tag")
                .isEqualTo("sluice:ws:");
        for (String prefix : new String[] {"sluice:ws:", "sluice:{}:", "sluice:}{"}) {
            assertThatThrownBy(
                            () ->
                                    settings(
                                            "redis.cluster",
                                            "true",
                                            "websocket.cluster.prefix",
                                            prefix))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("websocket.cluster.prefix")
                    .hasMessageContaining("hash tag");
        }
    }
}
