package io.sluice.websocket;

import io.sluice.websocket.testing.ClusterApps;
import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.WebhookReceiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript clients a Laravel + Soketi site has, pusher-js 8, Laravel Echo 2 and the {@code
 * pusher} server SDK, from the npm registry (src/test/node, installed from its lockfile when
 * missing), run by Node against two instances: every check of drop-in.mjs must pass.
 */
class PusherJsIT {
    private static final Path NODE_DIR = Path.of("src/test/node");

    /** Every check drop-in.mjs makes; one missing from its output fails too. */
    private static final List<String> CHECKS =
            List.of(
                    "echo-presence-here-joining-leaving-across-instances",
                    "echo-whisper-across-instances-not-echoed",
                    "echo-error-on-bad-private-auth",
                    "echo-listens-to-server-sdk-events",
                    "pusher-js-presence-members-and-user-id-on-client-events",
                    "pusher-js-cache-channel-miss-then-replay",
                    "pusher-js-encrypted-channel-with-server-sdk-master-key",
                    "pusher-js-signin-user-events-and-terminate",
                    "server-sdk-channel-queries");

    @RegisterExtension final SinkFixture fixture = new SinkFixture();

    @Test
    void pusherJsEchoAndTheServerSdkWorkAcrossTwoInstances() throws Exception {
        installClients();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Map<String, String> config =
                    Map.of("pusher.apps.file", ClusterApps.write(receiver.url()).toString());
            WebSocketSink one = fixture.start(config);
            WebSocketSink two = fixture.start(config);

            ProcessBuilder pb =
                    new ProcessBuilder("node", "drop-in.mjs")
                            .directory(NODE_DIR.toFile())
                            .redirectErrorStream(true);
            pb.environment()
                    .putAll(
                            Map.of(
                                    "PORT1", "" + one.port(),
                                    "PORT2", "" + two.port(),
                                    "APP_ID", SinkFixture.APP_ID,
                                    "KEY", SinkFixture.KEY,
                                    "SECRET", SinkFixture.SECRET));
            Process node = pb.start();
            List<String> output = new ArrayList<>();
            try (BufferedReader r =
                    new BufferedReader(
                            new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            }
            assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
            String all = String.join("\n", output);
            System.out.println(all);
            for (String check : CHECKS) {
                assertThat(output).as(all).contains("ok " + check);
            }
            assertThat(node.exitValue()).as(all).isZero();
        }
    }

    /** npm ci from the lockfile, when node_modules is not there (.ci/run installs it first). */
    private static void installClients() throws Exception {
        if (Files.isDirectory(NODE_DIR.resolve("node_modules/pusher-js"))
                && Files.isDirectory(NODE_DIR.resolve("node_modules/laravel-echo"))
                && Files.isDirectory(NODE_DIR.resolve("node_modules/pusher"))) {
            return;
        }
        Process npm =
                new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                        .directory(NODE_DIR.toFile())
                        .inheritIO()
                        .start();
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm ci finished").isTrue();
        assertThat(npm.exitValue())
                .as("npm ci in websocket-sink/src/test/node (Node and npm must be installed)")
                .isZero();
    }
}
