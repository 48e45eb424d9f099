package io.sluice.websocket;

import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runnable jar that {@code mvn package} makes, started as a user starts it: {@code java -jar
 * …-all.jar --redis-url …}. It serves clients and health, and stops on SIGTERM.
 */
class RunnableJarIT {
    private static final Pattern LISTENING = Pattern.compile("ws://[^:]+:(\\d+)/app/");

    @RegisterExtension final SinkFixture fixture = new SinkFixture();

    @Test
    void javaDashJarServes() throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar =
                    files.filter(p -> p.getFileName().toString().endsWith("-all.jar"))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no -all.jar in target/"));
        }
        Process p =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-jar",
                                jar.toString(),
                                "--port=0",
                                "--host=127.0.0.1",
                                "--redis-url=" + fixture.redisUrl())
                        .redirectErrorStream(true)
                        .start();
        try {
            BufferedReader out =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            StringBuilder seen = new StringBuilder();
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (line.startsWith("websocket-sink:") && m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as(seen.toString()).isPositive();
            Thread drain = new Thread(() -> out.lines().forEach(l -> {}));
            drain.setDaemon(true);
            drain.start();

            HttpResponse<String> health =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:" + port + "/health"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"redis\":\"UP\"");

            TestSocket client =
                    fixture.connect(
                            URI.create(
                                    "ws://127.0.0.1:"
                                            + port
                                            + "/app/"
                                            + SinkFixture.KEY
                                            + "?protocol=7"));
            assertThat(client.nextEvent("pusher:connection_established")).isNotNull();

            p.destroy(); // SIGTERM
            assertThat(client.awaitClose()).isEqualTo(4200);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }
}
