package io.sluice.websocket;

import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.pusher.rest.Pusher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances side by side on one Redis: each reads the streams on its own and serves its clients
 * all of it.
 */
class TwoInstancesIT {
    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink a;
    private WebSocketSink b;

    @BeforeEach
    void start() throws Exception {
        a = fixture.start();
        b = fixture.start();
    }

    @Test
    void clientsOfBothInstancesGetEveryUpdateOfTheStream() throws Exception {
        TestSocket onA = fixture.connectEstablished(a);
        onA.subscribe("scada-data");
        TestSocket onB = fixture.connectEstablished(b);
        onB.subscribe("scada-data");

        List<String> published = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            published.add(
                    fixture.publishUpdate(
                                    "plant1.area0" + (i % 3),
                                    SinkFixture.message(1000L * i, "p.v", i))
                            .toString());
        }
        for (TestSocket s : new TestSocket[] {onA, onB}) {
            List<String> ids = new ArrayList<>();
            while (ids.size() < published.size()) {
                ids.add(s.nextEvent("scada.data.received").get("data").get("id").asText());
            }
            assertThat(ids).containsExactlyElementsOf(published);
        }
    }

    @Test
    void anEventPublishedThroughOneInstancesHttpApiReachesClientsOfTheOther() throws Exception {
        TestSocket onB = fixture.connectEstablished(b);
        onB.subscribe("operators");
        Pusher http = new Pusher(SinkFixture.APP_ID, SinkFixture.KEY, SinkFixture.SECRET);
        http.setHost("127.0.0.1:" + a.port());
        http.setEncrypted(false);

        var result = http.trigger("operators", "shift.note", Map.of("text", "pump 7 serviced"));

        assertThat(result.getHttpStatus()).isEqualTo(200);
        var event = onB.nextEvent("shift.note");
        assertThat(event.get("channel").asText()).isEqualTo("operators");
        assertThat(event.get("data").get("text").asText()).isEqualTo("pump 7 serviced");
    }
}
