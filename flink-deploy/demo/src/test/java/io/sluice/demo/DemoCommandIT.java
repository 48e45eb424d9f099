package io.sluice.demo;

import io.sluice.config.SluiceConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the demo says when it cannot start: one clear line, exit status 1, nothing left behind. */
class DemoCommandIT {
    @TempDir Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> flags) {
        Map<String, String> all =
                new java.util.HashMap<>(
                        Map.of(
                                "local.data.dir",
                                dir.toString(),
                                "local.flink.rest.port",
                                "0",
                                "websocket.host",
                                "127.0.0.1"));
        all.putAll(flags);
        return DemoCommand.run(
                SluiceConfig.load(Map.of(), all),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTakenPortStopsItAtOnceWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int status = run(Map.of("websocket.port", Integer.toString(taken.getLocalPort())));

            assertThat(status).isEqualTo(1);
            assertThat(errors().strip())
                    .isEqualTo(
                            "sluice-demo: websocket-sink cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort()
                                    + " because the port is already in use; choose another with --port");
        }
    }

    @Test
    void anUnreachableConfiguredServerStopsItWithOneLineAndLeavesNothing() throws Exception {
        int status = run(Map.of("websocket.port", "0", "redis.url", "redis://127.0.0.1:1"));

        assertThat(status).isEqualTo(1);
        assertThat(errors().lines())
                .singleElement()
                .asString()
                .startsWith(
                        "sluice-demo: Redis at redis://127.0.0.1:1 (redis.url) is not reachable");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
