package io.sluice.websocket;

import io.sluice.update.UpdateSamples;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's stream entries reach the subscribers of their group's channel and of scada-data, once
 * each.
 */
class LiveUpdatesIT {
    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;

    @BeforeEach
    void start() throws Exception {
        sink = fixture.start();
    }

    @Test
    void aStreamEntryReachesItsGroupChannelAndTheAllGroupsChannel() throws Exception {
        TestSocket area = fixture.connectEstablished(sink);
        area.subscribe("scada-data.plant1.area03");
        TestSocket all = fixture.connectEstablished(sink);
        all.subscribe("scada-data");
        TestSocket other = fixture.connectEstablished(sink);
        other.subscribe("scada-data.plant1.area04");

        String message =
                new String(
                        UpdateSamples.bytes(UpdateSamples.MESSAGE_FILE),
                        java.nio.charset.StandardCharsets.UTF_8);
        StreamEntryID id = fixture.publishUpdate("plant1.area03", message);

        for (TestSocket s : new TestSocket[] {area, all}) {
            JsonNode event = s.nextEvent("scada.data.received");
            JsonNode data = event.get("data");
            assertThat(data.get("id").asText()).isEqualTo(id.toString());
            assertThat(data.get("g").asText()).isEqualTo("plant1.area03");
            assertThat(data.get("s").asLong()).isEqualTo(1795735268000L);
            assertThat(data.get("t").get("pump007.pressure").get(6).asDouble()).isEqualTo(4.9);
        }
        assertThat(area.poll(java.time.Duration.ofMillis(300))).isNull();
        assertThat(other.poll(java.time.Duration.ofMillis(300))).isNull();
    }
}
