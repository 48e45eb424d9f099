package io.sluice.websocket;

import io.sluice.websocket.testing.SinkFixture;
import io.sluice.websocket.testing.TestSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pusher.client.Pusher;
import com.pusher.client.PusherOptions;
import com.pusher.client.connection.ConnectionEventListener;
import com.pusher.client.connection.ConnectionState;
import com.pusher.client.connection.ConnectionStateChange;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * flink-deploy/nginx/sluice.conf run by Debian's nginx with a self-signed certificate, in front of
 * two instances: the official Pusher Java client and a resuming client (the dashboard's {@code
 * last_id}) connect over wss://, one instance stops mid-run, and both reconnect through nginx to
 * the other. Skipped, loudly, where nginx is not installed (.ci/run installs it).
 */
class BehindNginxIT {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path SITE = Path.of("../flink-deploy/nginx/sluice.conf");
    private static final String GROUP = "plant1.area03";
    private static final String CHANNEL = "scada-data." + GROUP;
    private static final String EVENT = "scada.data.received";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    @TempDir Path dir;
    private Process nginx;
    private WebSocketClient tlsClient;
    private int httpsPort;
    private int httpPort;
    private Path trustStore;
    private final AtomicLong officialConnectedAt = new AtomicLong();

    @BeforeEach
    void checkNginx() {
        if (!Files.isExecutable(NGINX)) {
            System.err.println(
                    "*** BehindNginxIT SKIPPED: no "
                            + NGINX
                            + " (apt-get install nginx-light) ***");
        }
        Assumptions.assumeTrue(Files.isExecutable(NGINX), "nginx is not installed");
    }

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            for (String log : List.of("access.log", "error.log")) {
                Path f = dir.resolve(log);
                if (Files.exists(f)) {
                    System.out.println("--- nginx " + log + "\n" + Files.readString(f));
                }
            }
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (tlsClient != null) {
            tlsClient.stop();
        }
        System.clearProperty("javax.net.ssl.trustStore");
        System.clearProperty("javax.net.ssl.trustStorePassword");
        System.clearProperty("javax.net.ssl.trustStoreType");
    }

    @Test
    void clientsReconnectThroughNginxToTheOtherInstanceWhenOneStops() throws Exception {
        int portA = freePort();
        int portB = freePort();
        startNginx(portA, portB);
        // B is not up yet: nginx sends every client to A, the instance this test stops.
        WebSocketSink a = fixture.start(Map.of("websocket.port", "" + portA));

        // Plain HTTP is redirected; the HTTP API answers over TLS through nginx.
        HttpResponse<String> redirect = https("http://127.0.0.1:" + httpPort + "/apps/x");
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("location")).hasValue("https://127.0.0.1/apps/x");

        List<Long> officialSaw = new CopyOnWriteArrayList<>();
        List<ConnectionState> officialStates = new CopyOnWriteArrayList<>();
        Pusher official = officialClient(officialSaw, officialStates);
        TestSocket resumer = connectOverTls();
        resumer.subscribe(CHANNEL);
        await("the official client subscribed through nginx")
                .atMost(Duration.ofSeconds(20))
                .until(() -> official.getChannel(CHANNEL).isSubscribed());
        assertThat(a.connections()).isEqualTo(2);

        // The Pusher HTTP API through nginx, signed over the path that nginx passes on.
        com.pusher.rest.Pusher api =
                new com.pusher.rest.Pusher(SinkFixture.APP_ID, SinkFixture.KEY, SinkFixture.SECRET);
        api.setHost("127.0.0.1:" + httpsPort);
        api.setEncrypted(true);
        assertThat(api.trigger(CHANNEL, "shift.note", Map.of("text", "via nginx")).getHttpStatus())
                .isEqualTo(200);
        assertThat(resumer.nextEvent("shift.note").get("data").get("text").asText())
                .isEqualTo("via nginx");
        WebSocketSink b = fixture.start(Map.of("websocket.port", "" + portB));

        // The job's path: one message per window into the 1 s stream, 20 windows a second.
        List<Long> published = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread job =
                new Thread(
                        () -> {
                            for (long w = 0; running.get(); w++) {
                                fixture.publishUpdate(
                                        GROUP, SinkFixture.message(w * 1000, "pump007.flow", w));
                                published.add(w * 1000);
                                sleep(50);
                            }
                        });
        job.start();
        try {
            List<Long> resumerSaw = new ArrayList<>();
            String lastId = read(resumer, resumerSaw, 20, null);
            await().atMost(Duration.ofSeconds(10)).until(() -> officialSaw.size() >= 20);

            // A stops as systemd stops it: every client gets 4200 and goes elsewhere.
            long stoppedAt = System.nanoTime();
            a.stop();
            assertThat(resumer.awaitClose()).isEqualTo(4200);
            // As pusher-js does: retry until nginx has an instance for it.
            TestSocket again =
                    await("the resumer back through nginx")
                            .atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(500))
                            .ignoreExceptions()
                            .until(this::connectOverTls, socket -> socket != null);
            again.send(
                    "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\""
                            + CHANNEL
                            + "\",\"last_id\":\""
                            + lastId
                            + "\"}}");
            again.nextEvent("pusher_internal:subscription_succeeded");
            long resumerBackMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            int before = officialSaw.size();
            await("the official client back, through nginx, on B")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> b.connections() == 2 && officialSaw.size() > before + 20);
            long officialBackMs = (officialConnectedAt.get() - stoppedAt) / 1_000_000;
            read(again, resumerSaw, 20, lastId);
            running.set(false);
            job.join();

            // The resuming client saw every window once, in order, across the switch.
            long last = resumerSaw.get(resumerSaw.size() - 1);
            assertThat(resumerSaw)
                    .containsExactlyElementsOf(published.subList(0, resumerSaw.size()));
            assertThat(last).isEqualTo((resumerSaw.size() - 1) * 1000L);
            // The official client reconnected on its own (pusher-java-client sends no position,
            // so it gets what is published after it is back, and the snapshot of the latest).
            assertThat(officialStates)
                    .containsSubsequence(
                            ConnectionState.CONNECTED,
                            ConnectionState.RECONNECTING,
                            ConnectionState.CONNECTED);
            System.out.printf(
                    "BehindNginxIT: back through nginx %d ms (resuming client, %d windows, none missed)"
                            + " and %d ms (pusher-java-client) after the stop; pusher-java-client"
                            + " saw %d of %d windows up to %d, %d missed while it reconnected%n",
                    resumerBackMs,
                    resumerSaw.size(),
                    officialBackMs,
                    officialSaw.stream().distinct().count(),
                    published.size(),
                    officialSaw.get(officialSaw.size() - 1) / 1000,
                    missed(officialSaw));
            assertThat(official.getChannel(CHANNEL).isSubscribed()).isTrue();
        } finally {
            running.set(false);
            official.disconnect();
        }
    }

    /** Reads n updates (no snapshots); their window starts; the last update's stream id. */
    private static String read(TestSocket socket, List<Long> saw, int n, String lastId)
            throws Exception {
        for (int i = 0; i < n; i++) {
            JsonNode data = socket.nextEvent(EVENT).get("data");
            if (data.path("snapshot").asBoolean()) {
                i--;
                continue;
            }
            saw.add(data.get("s").asLong());
            lastId = data.get("id").asText();
        }
        return lastId;
    }

    private static long missed(List<Long> saw) {
        long missed = 0;
        for (int i = 1; i < saw.size(); i++) {
            missed += Math.max(0, (saw.get(i) - saw.get(i - 1)) / 1000 - 1);
        }
        return missed;
    }

    private Pusher officialClient(List<Long> saw, List<ConnectionState> states) throws Exception {
        // pusher-java-client trusts what the JVM trusts: our self-signed certificate, for it.
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        PusherOptions options =
                new PusherOptions()
                        .setHost("127.0.0.1")
                        .setWssPort(httpsPort)
                        .setUseTLS(true)
                        .setMaxReconnectionAttempts(20)
                        .setMaxReconnectGapInSeconds(2);
        Pusher pusher = new Pusher(SinkFixture.KEY, options);
        pusher.connect(
                new ConnectionEventListener() {
                    @Override
                    public void onConnectionStateChange(ConnectionStateChange change) {
                        states.add(change.getCurrentState());
                        if (change.getCurrentState() == ConnectionState.CONNECTED) {
                            officialConnectedAt.set(System.nanoTime());
                        }
                    }

                    @Override
                    public void onError(String message, String code, Exception e) {
                        System.out.println("BehindNginxIT error " + message + " " + code + " " + e);
                    }
                },
                ConnectionState.ALL);
        pusher.subscribe(CHANNEL)
                .bind(
                        EVENT,
                        event -> {
                            try {
                                JsonNode data = JSON.readTree(event.getData());
                                if (!data.path("snapshot").asBoolean()) {
                                    saw.add(data.get("s").asLong());
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        return pusher;
    }

    private TestSocket connectOverTls() throws Exception {
        TestSocket socket = new TestSocket();
        tlsClient
                .connect(
                        socket,
                        URI.create(
                                "wss://127.0.0.1:"
                                        + httpsPort
                                        + "/app/"
                                        + SinkFixture.KEY
                                        + "?protocol=7&client=js&version=8.6.0&flash=false"),
                        new ClientUpgradeRequest())
                .get(10, TimeUnit.SECONDS);
        socket.established(socket.nextEvent("pusher:connection_established"));
        return socket.answeringPings();
    }

    /** A self-signed certificate, the site with this test's ports, nginx in the foreground. */
    private void startNginx(int portA, int portB) throws Exception {
        Path crt = dir.resolve("sluice.pem");
        Path key = dir.resolve("sluice.key");
        run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                crt.toString());
        trustStore = dir.resolve("truststore.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(crt)) {
            store.setCertificateEntry(
                    "sluice", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            store.store(out, "changeit".toCharArray());
        }
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setTrustStorePath(trustStore.toString());
        tls.setTrustStorePassword("changeit");
        tls.setTrustStoreType("PKCS12");
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        tlsClient = new WebSocketClient(new HttpClient(new HttpClientTransportOverHTTP(connector)));
        tlsClient.start();

        httpsPort = freePort();
        httpPort = freePort();
        String site = Files.readString(SITE);
        site = replaceOnce(site, "server 127.0.0.1:6001 ", "server 127.0.0.1:" + portA + " ");
        site = replaceOnce(site, "server 127.0.0.1:6002 ", "server 127.0.0.1:" + portB + " ");
        site = replaceOnce(site, "/etc/ssl/certs/sluice.pem", crt.toString());
        site = replaceOnce(site, "/etc/ssl/private/sluice.key", key.toString());
        site = replaceOnce(site, "listen 443 ssl;", "listen 127.0.0.1:" + httpsPort + " ssl;");
        site = replaceOnce(site, "listen 80;", "listen 127.0.0.1:" + httpPort + ";");
        site =
                site.lines()
                        .filter(l -> !l.contains("listen [::]"))
                        .reduce("", (x, l) -> x + l + "\n");
        Path sitePath = Files.writeString(dir.resolve("sluice.conf"), site);
        Path temp = Files.createDirectories(dir.resolve("temp"));
        temp.toFile().setWritable(true, false);
        Path conf =
                Files.writeString(
                        dir.resolve("nginx.conf"),
                        String.join(
                                "\n",
                                "worker_processes 1;",
                                "pid " + dir.resolve("nginx.pid") + ";",
                                "error_log " + dir.resolve("error.log") + " info;",
                                "events { worker_connections 256; }",
                                "http {",
                                "  access_log " + dir.resolve("access.log") + ";",
                                "  client_body_temp_path " + temp.resolve("body") + ";",
                                "  proxy_temp_path " + temp.resolve("proxy") + ";",
                                "  include " + sitePath + ";",
                                "}",
                                ""));
        run(NGINX.toString(), "-t", "-p", dir.toString(), "-c", conf.toString());
        nginx =
                new ProcessBuilder(
                                NGINX.toString(),
                                "-p",
                                dir.toString(),
                                "-c",
                                conf.toString(),
                                "-g",
                                "daemon off;")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("nginx.out").toFile())
                        .start();
        await("nginx listens")
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                        () -> {
                            try (Socket s = new Socket("127.0.0.1", httpsPort)) {
                                return true;
                            }
                        });
    }

    private HttpResponse<String> https(String url) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String replaceOnce(String text, String what, String with) {
        int at = text.indexOf(what);
        assertThat(at).as("flink-deploy/nginx/sluice.conf has '%s'", what).isNotNegative();
        assertThat(text.indexOf(what, at + 1)).as("'%s' once", what).isNegative();
        return text.replace(what, with);
    }

    private void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
