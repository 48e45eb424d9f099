package io.sluice.websocket.testing;

import io.sluice.config.SluiceConfig;
import io.sluice.local.EmbeddedRedisServer;
import io.sluice.update.UpdateKeys;
import io.sluice.websocket.WebSocketSink;
import io.sluice.websocket.WebSocketSinkSettings;

import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real embedded Redis, websocket-sink instances on free ports, a Jetty WebSocket client, and
 * writes to Redis in the job's format. Register it as an extension ({@code @RegisterExtension final
 * SinkFixture fixture = new SinkFixture();}), or close it yourself.
 */
public final class SinkFixture implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
    public static final String APP_ID = "scada-app";
    public static final String KEY = "scada-key";
    public static final String SECRET = "scada-secret";
    public static final String STREAM_1S = "sluice:updates:1s";

    private EmbeddedRedisServer redisServer;
    private RedisClient redis;
    private final WebSocketClient client = new WebSocketClient();
    private final List<WebSocketSink> sinks = new java.util.ArrayList<>();
    private Path ownDirectory;

    /**
     * A fixture for {@code @RegisterExtension}: Redis and the client start before each test, and
     * all stops after it.
     */
    public SinkFixture() {}

    /**
     * A fixture started now, with Redis's data under {@code dir}, for a whole class or a program.
     */
    public SinkFixture(Path dir) throws Exception {
        open(dir);
    }

    private void open(Path dir) throws Exception {
        redisServer = new EmbeddedRedisServer(dir.resolve("redis")).start();
        redis = RedisClient.create(URI.create(redisServer.redisUrl()));
        client.setMaxTextMessageSize(1 << 20);
        client.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        ownDirectory = Files.createTempDirectory("sink-fixture");
        open(ownDirectory);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
        Files.deleteIfExists(ownDirectory.resolve("redis"));
        Files.deleteIfExists(ownDirectory);
    }

    /** The settings of an instance on a free port, with configuration keys overridden. */
    public WebSocketSinkSettings settings(Map<String, String> overrides) {
        return WebSocketSinkSettings.fromConfig(config(overrides));
    }

    /** The configuration of an instance on a free port on this Redis, with keys overridden. */
    public SluiceConfig config(Map<String, String> overrides) {
        Map<String, String> flags = new HashMap<>();
        flags.put("redis.url", redisServer.redisUrl());
        flags.put("websocket.port", "0");
        flags.put("websocket.host", "127.0.0.1");
        flags.putAll(overrides);
        return SluiceConfig.load(Map.of(), flags);
    }

    /**
     * Starts an instance as the program does, {@link WebSocketSink#fromConfig}: with the dashboard,
     * and the history API when the overrides name a database ({@code jdbc.url}).
     */
    public WebSocketSink startFromConfig(Map<String, String> overrides) throws Exception {
        WebSocketSink sink = WebSocketSink.fromConfig(config(overrides));
        sink.start();
        sinks.add(sink);
        return sink;
    }

    /** Starts an instance with the defaults. */
    public WebSocketSink start() throws Exception {
        return start(Map.of());
    }

    /** Starts an instance with configuration keys overridden. */
    public WebSocketSink start(Map<String, String> overrides) throws Exception {
        WebSocketSink sink = new WebSocketSink(settings(overrides));
        sink.start();
        sinks.add(sink);
        return sink;
    }

    /** ws://127.0.0.1:port/app/scada-key?protocol=7&... as pusher-js connects. */
    public static URI wsUri(WebSocketSink sink) {
        return URI.create(
                "ws://127.0.0.1:"
                        + sink.port()
                        + "/app/"
                        + KEY
                        + "?protocol=7&client=js&version=8.6.0&flash=false");
    }

    public static URI httpUri(WebSocketSink sink, String path) {
        return URI.create("http://127.0.0.1:" + sink.port() + path);
    }

    /** Connects a recording client and waits for the upgrade. */
    public TestSocket connect(URI uri) throws Exception {
        return connect(uri, new ClientUpgradeRequest());
    }

    public TestSocket connect(URI uri, ClientUpgradeRequest request) throws Exception {
        TestSocket socket = new TestSocket();
        client.connect(socket, uri, request).get(10, java.util.concurrent.TimeUnit.SECONDS);
        return socket;
    }

    /** Connects to an instance and reads pusher:connection_established, keeping its socket id. */
    public TestSocket connectEstablished(WebSocketSink sink) throws Exception {
        return connectEstablished(sink, new ClientUpgradeRequest());
    }

    /**
     * Connects with a request of its own (headers such as Origin) and reads
     * pusher:connection_established.
     */
    public TestSocket connectEstablished(WebSocketSink sink, ClientUpgradeRequest request)
            throws Exception {
        TestSocket socket = connect(wsUri(sink), request);
        socket.established(socket.nextEvent("pusher:connection_established"));
        return socket;
    }

    /**
     * ws://127.0.0.1:port followed by a path and query of the test's own (a wrong key, no protocol,
     * ...).
     */
    public static URI wsUri(WebSocketSink sink, String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + sink.port() + pathAndQuery);
    }

    /** An upgrade request with an Origin header, as browsers send it. */
    public static ClientUpgradeRequest withOrigin(String origin) {
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setHeader("Origin", origin);
        return request;
    }

    /** Connects a client that reads only while told to, and waits for the upgrade. */
    public StallingSocket connectStalling(WebSocketSink sink) throws Exception {
        StallingSocket socket = new StallingSocket();
        client.connect(socket, wsUri(sink), new ClientUpgradeRequest())
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        return socket;
    }

    /**
     * The official Pusher HTTP client (pusher-http-java) pointed at an instance, over plain HTTP.
     * Close it after use.
     */
    public static com.pusher.rest.Pusher pusher(WebSocketSink sink) {
        com.pusher.rest.Pusher pusher = new com.pusher.rest.Pusher(APP_ID, KEY, SECRET);
        pusher.setHost("127.0.0.1:" + sink.port());
        pusher.setEncrypted(false);
        return pusher;
    }

    /**
     * HMAC-SHA256 of a text with a secret, lower-case hex: the protocol's signatures, made here
     * with javax.crypto alone so that tests do not check the service's signing against itself.
     */
    public static String hmacSha256Hex(String secret, String text) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(
                    new javax.crypto.spec.SecretKeySpec(
                            secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            "HmacSHA256"));
            return java.util.HexFormat.of()
                    .formatHex(mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public WebSocketClient client() {
        return client;
    }

    public RedisClient redis() {
        return redis;
    }

    public String redisUrl() {
        return redisServer.redisUrl();
    }

    /** Writes an entry to the 1 s stream as the job's sink does: fields g and d. */
    public StreamEntryID publishUpdate(String group, String message) {
        return redis.xadd(
                STREAM_1S,
                XAddParams.xAddParams(),
                Map.of(UpdateKeys.FIELD_GROUP, group, UpdateKeys.FIELD_DATA, message));
    }

    /** A one-tag message of the job's format for a window start, with a value. */
    public static String message(long windowStart, String name, double value) {
        return "{\"w\":1000,\"s\":"
                + windowStart
                + ",\"t\":{\""
                + name
                + "\":[1,"
                + value
                + ","
                + value
                + ","
                + value
                + ",0,"
                + value
                + ","
                + value
                + ",0,0]}}";
    }

    /**
     * A one-tag message of the job's format with an extra field of {@code padChars} characters,
     * which the service passes on untouched: a big frame that costs little to decode.
     */
    public static String paddedMessage(long windowStart, String name, double value, int padChars) {
        String m = message(windowStart, name, value);
        return m.substring(0, m.length() - 1) + ",\"pad\":\"" + "x".repeat(padChars) + "\"}";
    }

    /** Stops Redis (to test outages); the instances stay. */
    public void stopRedis() {
        redisServer.close();
    }

    @Override
    public void close() throws Exception {
        for (WebSocketSink s : sinks) {
            s.stop();
        }
        client.stop();
        redis.close();
        redisServer.close();
    }
}
