package io.sluice.websocket;

import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import org.eclipse.jetty.websocket.api.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket frames as the service reads them on Jetty's core API: a message in several frames is
 * put together, a ping frame is answered with its payload, and the limit counts the whole message.
 */
class FramesIT {
    @RegisterExtension final SinkFixture fixture = new SinkFixture();

    private static void sendPart(TestSocket client, String text, boolean last) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.session()
                .sendPartialText(
                        text,
                        last,
                        Callback.from(() -> done.complete(null), done::completeExceptionally));
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMessageInSeveralFramesIsReadAsOne() throws Exception {
        WebSocketSink sink = fixture.start();
        TestSocket client = fixture.connectEstablished(sink);

        sendPart(client, "{\"event\":\"pusher:sub", false);
        sendPart(client, "scribe\",\"data\":{\"channel\":", false);
        sendPart(client, "\"operators\"}}", true);

        var reply = client.nextEvent("pusher_internal:subscription_succeeded");
        assertThat(reply.get("channel").asText()).isEqualTo("operators");
    }

    @Test
    void aPingFrameIsAnsweredWithAPongOfTheSamePayload() throws Exception {
        WebSocketSink sink = fixture.start();
        TestSocket client = fixture.connectEstablished(sink);

        client.session()
                .sendPing(
                        ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)),
                        Callback.NOOP);

        assertThat(client.nextPong()).isEqualTo("are you there");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void fragmentsOverTheLimitTogetherCloseWith1009() throws Exception {
        WebSocketSink sink = fixture.start(java.util.Map.of("websocket.max.message.bytes", "100"));
        TestSocket client = fixture.connectEstablished(sink);

        sendPart(client, "{\"event\":\"pusher:ping\",\"data\":{\"pad\":\"" + "x".repeat(60), false);
        sendPart(client, "x".repeat(60) + "\"}}", true);

        assertThat(client.awaitClose()).isEqualTo(1009);
    }
}
