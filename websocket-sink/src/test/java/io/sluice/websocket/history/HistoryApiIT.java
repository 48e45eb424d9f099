package io.sluice.websocket.history;

import io.sluice.config.SluiceConfig;
import io.sluice.local.EmbeddedPostgresServer;
import io.sluice.reading.Quality;
import io.sluice.reading.Reading;
import io.sluice.testing.StoredWindows;
import io.sluice.testing.WindowOracle;
import io.sluice.testing.WindowOracle.Row;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The history API against a real PostgreSQL holding the windows of generated readings, through a
 * real Jetty server: raw windows, rollups checked against statistics computed straight from the
 * readings, both formats, and every refusal.
 */
class HistoryApiIT {
    /** All times are offsets from here. */
    private static final long BEGINNING = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();

    private static final long SECOND = 1_000;
    private static final long MINUTE = 60_000;
    private static final int MAX_ROWS = 500;

    private static final String PUMP = "plant1.area03.pump007.pressure";

    /** A large offset with a small spread: the rollup must not lose the spread to cancellation. */
    private static final String FLOW = "plant1.area03.pump008.flow";

    /** A tag equal to the prefix: it belongs to it. */
    private static final String AREA = "plant1.area03";

    /** Neighbours in byte order that share the prefix's characters but not its segments. */
    private static final List<String> OUTSIDE =
            List.of(
                    "plant1.area02.pump001.pressure",
                    "plant1.area03-b.x",
                    "plant1.area030.valve001.position",
                    "plant1.area03_b.x");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path dataRoot;

    private static EmbeddedPostgresServer postgres;
    private static com.zaxxer.hikari.HikariDataSource dataSource;
    private static Server server;
    private static URI endpoint;
    private static List<Reading> readings;
    private static List<Row> windows;

    @BeforeAll
    static void startDatabaseAndServer() throws Exception {
        postgres = new EmbeddedPostgresServer(dataRoot.resolve("pg")).start();
        readings = readings();
        windows =
                WindowOracle.windows(
                        readings, SECOND, start -> Math.floorMod(start / SECOND, 7) == 0 ? 1 : 0);
        try (Connection c =
                DriverManager.getConnection(
                        postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            StoredWindows.store(c, windows);
        }
        HistorySettings settings = HistorySettings.from(config(postgres.jdbcUrl()));
        dataSource = HistoryDataSource.create(settings);
        server = server(new HistoryHandler(new HistoryRepository(dataSource), settings));
        endpoint =
                URI.create(
                        "http://127.0.0.1:"
                                + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                                + "/api/history");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aTagsRawWindowsComeBackExactlyAsStoredWithinTheHalfOpenRange() throws Exception {
        long from = BEGINNING + 10 * SECOND;
        long to = BEGINNING + 70 * SECOND;

        JsonNode answer = json("tag=" + PUMP + "&from=" + from + "&to=" + to);

        assertThat(answer.get("tag").asText()).isEqualTo(PUMP);
        assertThat(answer.get("window").asText()).isEqualTo("1s");
        assertThat(answer.get("bucket").isNull()).isTrue();
        assertThat(answer.get("from").asLong()).isEqualTo(from);
        assertThat(answer.get("to").asLong()).isEqualTo(to);
        assertThat(answer.get("truncated").asBoolean()).isFalse();
        assertThat(rows(answer))
                .hasSize(60)
                .containsExactlyElementsOf(expectedRaw(p -> p.tag().equals(PUMP), from, to));
    }

    @Test
    void aPrefixTakesItsOwnTagAndTheTagsBelowItButNotItsNeighbours() throws Exception {
        long from = BEGINNING + 5 * SECOND;
        long to = BEGINNING + 15 * SECOND;

        JsonNode answer =
                json(
                        "prefix=plant1.area03&from="
                                + Instant.ofEpochMilli(from)
                                + "&to="
                                + Instant.ofEpochMilli(to));

        List<Map<String, Object>> expected =
                expectedRaw(p -> p.tag().equals(AREA) || p.tag().startsWith(AREA + "."), from, to);
        assertThat(answer.get("prefix").asText()).isEqualTo(AREA);
        assertThat(rows(answer)).containsExactlyElementsOf(expected);
        assertThat(expected)
                .extracting(row -> row.get("tag"))
                .containsOnly(AREA, FLOW, PUMP)
                .doesNotContainAnyElementsOf(OUTSIDE);
        assertThat(expected).hasSize(30);
    }

    @Test
    void aRollupOfSecondsIntoMinutesEqualsTheStatisticsOfTheMinutesReadings() throws Exception {
        for (String tag : List.of(PUMP, FLOW)) {
            JsonNode answer =
                    json(
                            "tag="
                                    + tag
                                    + "&window=1s&bucket=1m&from="
                                    + BEGINNING
                                    + "&to="
                                    + (BEGINNING + 3 * MINUTE));

            assertThat(answer.get("bucket").asText()).isEqualTo("1m");
            List<Map<String, Object>> rows = rows(answer);
            assertThat(rows).hasSize(3);
            for (int m = 0; m < 3; m++) {
                assertMatchesReadings(rows.get(m), tag, BEGINNING + m * MINUTE);
            }
        }
    }

    @Test
    void csvAndJsonCarryTheSameFieldsAndValues() throws Exception {
        for (String query :
                List.of(
                        "prefix=plant1.area03&from="
                                + BEGINNING
                                + "&to="
                                + (BEGINNING + 20 * SECOND),
                        "prefix=plant1&bucket=1m&from="
                                + BEGINNING
                                + "&to="
                                + (BEGINNING + 3 * MINUTE))) {
            HttpResponse<String> csv = get(query + "&format=csv");
            HttpResponse<String> json = get(query);

            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type"))
                    .hasValue("text/csv; charset=utf-8");
            assertThat(json.headers().firstValue("Content-Type"))
                    .hasValue("application/json; charset=utf-8");
            List<Map<String, Object>> jsonRows = rows(JSON.readTree(json.body()));
            List<String> lines = csv.body().lines().toList();
            List<String> header = List.of(lines.get(0).split(","));
            assertThat(header).containsExactlyElementsOf(jsonRows.get(0).keySet());
            assertThat(lines).hasSize(jsonRows.size() + 1);
            for (int i = 0; i < jsonRows.size(); i++) {
                assertThat(csvRow(header, lines.get(i + 1), jsonRows.get(i)))
                        .isEqualTo(jsonRows.get(i));
            }
        }
    }

    @Test
    void rowsBeyondTheLimitAreCutAndTheAnswerSaysSo() throws Exception {
        long to = BEGINNING + 3 * MINUTE;

        HttpResponse<String> response =
                get("tag=" + PUMP + "&from=" + BEGINNING + "&to=" + to + "&limit=10");
        JsonNode answer = JSON.readTree(response.body());

        assertThat(answer.get("truncated").asBoolean()).isTrue();
        assertThat(response.headers().firstValue(HistoryHandler.TRUNCATED_HEADER)).hasValue("true");
        assertThat(rows(answer))
                .containsExactlyElementsOf(
                        expectedRaw(p -> p.tag().equals(PUMP), BEGINNING, to).subList(0, 10));
        assertThat(
                        json("tag="
                                        + PUMP
                                        + "&from="
                                        + BEGINNING
                                        + "&to="
                                        + (BEGINNING + 10 * SECOND)
                                        + "&limit=10")
                                .get("truncated")
                                .asBoolean())
                .isFalse();
    }

    static Stream<Arguments> badRequests() {
        String range = "&from=" + BEGINNING + "&to=" + (BEGINNING + MINUTE);
        return Stream.of(
                Arguments.of(
                        "neither tag nor prefix",
                        "from=" + BEGINNING + "&to=" + (BEGINNING + MINUTE),
                        "'tag'"),
                Arguments.of(
                        "both tag and prefix",
                        "tag=" + PUMP + "&prefix=plant1" + range,
                        "'prefix'"),
                Arguments.of("a bad character in the tag", "tag=plant1.area%2003" + range, "'tag'"),
                Arguments.of(
                        "an empty segment in the prefix", "prefix=plant1." + range, "'prefix'"),
                Arguments.of(
                        "a LIKE wildcard in the prefix", "prefix=plant1.%25" + range, "'prefix'"),
                Arguments.of(
                        "a zone that is none",
                        "tag=" + PUMP + "&bucket=1h&tz=Mars/Olympus" + range,
                        "'tz'"),
                Arguments.of(
                        "months without a zone", "tag=" + PUMP + "&bucket=1mo" + range, "'tz'"),
                Arguments.of("a zone without a bucket", "tag=" + PUMP + "&tz=UTC" + range, "'tz'"),
                Arguments.of(
                        "an unknown fill",
                        "tag=" + PUMP + "&bucket=1m&fill=zero" + range,
                        "'fill'"),
                Arguments.of(
                        "a fill of a prefix",
                        "prefix=" + AREA + "&bucket=1m&fill=linear" + range,
                        "'fill'"),
                Arguments.of(
                        "points of a prefix", "prefix=" + AREA + "&points=10" + range, "'points'"),
                Arguments.of("points of zero", "tag=" + PUMP + "&points=0" + range, "'points'"),
                Arguments.of(
                        "quality not a boolean",
                        "tag=" + PUMP + "&quality=yes" + range,
                        "'quality'"),
                Arguments.of(
                        "a window the job does not store",
                        "tag=" + PUMP + "&window=7s" + range,
                        "not a stored window size; the job stores 1s, 1m"),
                Arguments.of(
                        "from not a time",
                        "tag=" + PUMP + "&from=yesterday&to=" + BEGINNING,
                        "'from'"),
                Arguments.of(
                        "to equal to from",
                        "tag=" + PUMP + "&from=" + BEGINNING + "&to=" + BEGINNING,
                        "'to'"),
                Arguments.of(
                        "to before from",
                        "tag=" + PUMP + "&from=" + BEGINNING + "&to=" + (BEGINNING - 1),
                        "'to'"),
                Arguments.of(
                        "a range over the maximum",
                        "tag=" + PUMP + "&from=" + BEGINNING + "&to=" + (BEGINNING + 3_600_001),
                        "'from' to 'to'"),
                Arguments.of(
                        "a window that is no size",
                        "tag=" + PUMP + "&window=fast" + range,
                        "'window'"),
                Arguments.of(
                        "a bucket not a multiple of the window",
                        "tag=" + PUMP + "&window=1s&bucket=1500ms" + range,
                        "'bucket'"),
                Arguments.of(
                        "an unknown format", "tag=" + PUMP + "&format=xml" + range, "'format'"),
                Arguments.of(
                        "a limit over the maximum",
                        "tag=" + PUMP + "&limit=" + (MAX_ROWS + 1) + range,
                        "'limit'"),
                Arguments.of("a limit of zero", "tag=" + PUMP + "&limit=0" + range, "'limit'"),
                Arguments.of(
                        "a limit not a number", "tag=" + PUMP + "&limit=ten" + range, "'limit'"),
                Arguments.of("an unknown parameter", "tag=" + PUMP + "&tags=x" + range, "'tags'"),
                Arguments.of(
                        "a parameter given twice",
                        "tag=" + PUMP + "&tag=" + AREA + range,
                        "'tag'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadParameterGets400WithAMessageNamingIt(String what, String query, String named)
            throws Exception {
        HttpResponse<String> response = get(query);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/json; charset=utf-8");
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains(named);
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(endpoint + "?tag=" + PUMP))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void anUnreachableDatabaseGets503Quickly() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HistorySettings settings =
                HistorySettings.from(
                        config("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres"));
        try (com.zaxxer.hikari.HikariDataSource down = HistoryDataSource.create(settings)) {
            Server downServer = server(new HistoryHandler(new HistoryRepository(down), settings));
            try {
                URI uri =
                        URI.create(
                                "http://127.0.0.1:"
                                        + ((ServerConnector) downServer.getConnectors()[0])
                                                .getLocalPort()
                                        + "/api/history?tag="
                                        + PUMP
                                        + "&from="
                                        + BEGINNING
                                        + "&to="
                                        + (BEGINNING + MINUTE));
                long begin = System.nanoTime();
                HttpResponse<String> response =
                        HTTP.send(
                                HttpRequest.newBuilder(uri).build(),
                                HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(response.body()).get("error").asText())
                        .contains("unreachable");
                assertThat(Duration.ofNanos(System.nanoTime() - begin))
                        .isLessThan(Duration.ofSeconds(10));
            } finally {
                downServer.stop();
            }
        }
    }

    // ---- the data -------------------------------------------------------------------------------

    /**
     * About 190 s of readings per tag, 20 to 250 ms apart (so every second has some), from 0.3 s.
     */
    /**
     * The analytics functions through the API: calendar buckets in a zone, gap filling, plot values
     * and the quality report, each against the readings; the SQL functions' refusals are 400s.
     */
    @Test
    void calendarBucketsGapFillingPlotValuesAndQualityComeFromTheSqlFunctions() throws Exception {
        String range = "&from=" + BEGINNING + "&to=" + (BEGINNING + 3 * MINUTE);
        List<Reading> pump = readings.stream().filter(r -> r.tag.equals(PUMP)).toList();
        List<Reading> inRange = pump.stream().filter(r -> r.ts < BEGINNING + 3 * MINUTE).toList();

        // A Jakarta hour (UTC+7) is a UTC hour: one bucket of the range, every reading in it.
        JsonNode hour = json("tag=" + PUMP + "&bucket=1h&tz=Asia/Jakarta" + range);
        assertThat(hour.get("tz").asText()).isEqualTo("Asia/Jakarta");
        assertThat(rows(hour)).hasSize(1);
        assertThat(rows(hour).get(0).get("count")).isEqualTo((long) inRange.size());
        // A Kolkata day (UTC+5:30) starts at 18:30 UTC the day before.
        JsonNode day = json("tag=" + PUMP + "&bucket=1d&tz=Asia/Kolkata" + range);
        assertThat(rows(day).get(0).get("window_start"))
                .isEqualTo(Instant.parse("2026-11-26T18:30:00Z").toEpochMilli());

        // A calendar month of a zone: November 2026 in Jakarta began at 17:00 UTC on October 31.
        JsonNode month = json("tag=" + PUMP + "&bucket=1mo&tz=Asia/Jakarta" + range);
        assertThat(month.get("bucket").asText()).isEqualTo("1mo");
        assertThat(rows(month).get(0).get("window_start"))
                .isEqualTo(Instant.parse("2026-10-31T17:00:00Z").toEpochMilli());
        assertThat(rows(month).get(0).get("count")).isEqualTo((long) inRange.size());

        // Plot values: at most N points whose extremes are the readings'.
        JsonNode points = json("tag=" + PUMP + "&points=7" + range);
        assertThat(points.get("points").asInt()).isEqualTo(7);
        List<Map<String, Object>> plot = rows(points);
        assertThat(plot).hasSizeLessThanOrEqualTo(7).isNotEmpty();
        assertThat(plot.stream().mapToDouble(r -> ((Number) r.get("min")).doubleValue()).min())
                .hasValue(inRange.stream().mapToDouble(r -> r.value).min().orElseThrow());
        assertThat(plot.stream().mapToDouble(r -> ((Number) r.get("max")).doubleValue()).max())
                .hasValue(inRange.stream().mapToDouble(r -> r.value).max().orElseThrow());
        assertThat(plot.stream().mapToLong(r -> (Long) r.get("count")).sum())
                .isEqualTo(inRange.size());

        // Gap filling over a range that runs past the data: the empty buckets come filled.
        JsonNode filled =
                json(
                        "tag="
                                + PUMP
                                + "&bucket=1m&fill=previous&from="
                                + BEGINNING
                                + "&to="
                                + (BEGINNING + 5 * MINUTE));
        List<Map<String, Object>> buckets = rows(filled);
        assertThat(buckets).hasSize(5);
        assertThat(buckets.get(4).get("filled")).isEqualTo(true);
        assertThat(buckets.get(4).get("twa")).isEqualTo(buckets.get(3).get("twa"));

        // The quality report: one row per tag under the prefix, its readings and bad share.
        JsonNode quality = json("prefix=" + AREA + "&quality=true" + range);
        Map<String, Object> pumpQuality =
                rows(quality).stream()
                        .filter(r -> r.get("tag").equals(PUMP))
                        .findFirst()
                        .orElseThrow();
        assertThat(pumpQuality.get("count")).isEqualTo((long) inRange.size());
        assertThat(pumpQuality.get("bad_count"))
                .isEqualTo(inRange.stream().filter(r -> r.quality == Quality.BAD).count());

        // What the SQL functions refuse is the client's mistake: a 400 with their line.
        HttpResponse<String> unknown = get("tag=plant9.nothing&points=10" + range);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).get("error").asText())
                .contains("unknown tag 'plant9.nothing'");
    }

    private static List<Reading> readings() {
        Random random = new Random(42);
        List<String> tags = new ArrayList<>(List.of(PUMP, FLOW, AREA));
        tags.addAll(OUTSIDE);
        List<Reading> all = new ArrayList<>();
        for (String tag : tags) {
            double base = tag.equals(FLOW) ? 1e6 : 100 + random.nextInt(900);
            for (long ts = BEGINNING + 300;
                    ts < BEGINNING + 3 * MINUTE + 10 * SECOND;
                    ts += 20 + random.nextInt(231)) {
                double value =
                        base
                                + 5 * Math.sin(ts / 7_000.0)
                                + random.nextGaussian() * (tag.equals(FLOW) ? 0.01 : 1);
                double q = random.nextDouble();
                Quality quality =
                        q < 0.9 ? Quality.GOOD : q < 0.97 ? Quality.UNCERTAIN : Quality.BAD;
                all.add(new Reading(tag, ts, value, quality));
            }
        }
        return all;
    }

    private static List<Map<String, Object>> expectedRaw(Predicate<Row> which, long from, long to) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Row p : windows) {
            if (which.test(p) && p.start() >= from && p.start() < to) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("tag", p.tag());
                row.put("window_start", p.start());
                row.put("window_end", p.start() + p.windowMs());
                row.put("count", p.count());
                row.put("good_count", p.good());
                row.put("uncertain_count", p.uncertain());
                row.put("bad_count", p.bad());
                row.put("sum", p.sum());
                row.put("min", p.min());
                row.put("max", p.max());
                row.put("mean", p.mean());
                row.put("stddev", p.stddev());
                row.put("twa", p.twa());
                row.put("first_value", p.firstValue());
                row.put("last_value", p.lastValue());
                row.put("worst_quality", p.worst().wire());
                row.put("revision", (long) p.revision());
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * One bucket against the minute's readings, taken straight: two-pass spread, integrated
     * average.
     */
    private static void assertMatchesReadings(Map<String, Object> bucket, String tag, long minute) {
        List<Reading> series = readings.stream().filter(r -> r.tag.equals(tag)).toList();
        List<Reading> inMinute =
                series.stream().filter(r -> r.ts >= minute && r.ts < minute + MINUTE).toList();
        double sum = inMinute.stream().mapToDouble(r -> r.value).sum();
        double mean = sum / inMinute.size();
        double squares =
                inMinute.stream().mapToDouble(r -> (r.value - mean) * (r.value - mean)).sum();
        // Sample and hold over the minute, from the reading before it if there is one.
        Reading before =
                series.stream().filter(r -> r.ts < minute).reduce((a, b) -> b).orElse(null);
        long t = before != null ? minute : inMinute.get(0).ts;
        double held = before != null ? before.value : inMinute.get(0).value;
        double area = 0;
        for (Reading r : inMinute) {
            area += held * (r.ts - t);
            t = r.ts;
            held = r.value;
        }
        area += held * (minute + MINUTE - t);
        long span = minute + MINUTE - (before != null ? minute : inMinute.get(0).ts);
        List<Row> stored =
                windows.stream()
                        .filter(
                                p ->
                                        p.tag().equals(tag)
                                                && p.start() >= minute
                                                && p.start() < minute + MINUTE)
                        .toList();

        assertThat(bucket.get("tag")).isEqualTo(tag);
        assertThat(bucket.get("window_start")).isEqualTo(minute);
        assertThat(bucket.get("window_end")).isEqualTo(minute + MINUTE);
        assertThat(bucket.get("windows")).isEqualTo((long) stored.size());
        assertThat(bucket.get("count")).isEqualTo((long) inMinute.size());
        assertThat(bucket.get("good_count"))
                .isEqualTo(inMinute.stream().filter(r -> r.quality == Quality.GOOD).count());
        assertThat(bucket.get("uncertain_count"))
                .isEqualTo(inMinute.stream().filter(r -> r.quality == Quality.UNCERTAIN).count());
        assertThat(bucket.get("bad_count"))
                .isEqualTo(inMinute.stream().filter(r -> r.quality == Quality.BAD).count());
        assertThat(bucket.get("min"))
                .isEqualTo(inMinute.stream().mapToDouble(r -> r.value).min().orElseThrow());
        assertThat(bucket.get("max"))
                .isEqualTo(inMinute.stream().mapToDouble(r -> r.value).max().orElseThrow());
        assertThat(bucket.get("first_value")).isEqualTo(inMinute.get(0).value);
        assertThat(bucket.get("last_value")).isEqualTo(inMinute.get(inMinute.size() - 1).value);
        assertThat(bucket.get("worst_quality"))
                .isEqualTo(
                        inMinute.stream()
                                .map(r -> r.quality)
                                .reduce(Quality.GOOD, Quality::worst)
                                .wire());
        assertThat(bucket.get("revision"))
                .isEqualTo((long) stored.stream().mapToInt(Row::revision).max().orElseThrow());
        assertThat((double) bucket.get("sum")).isCloseTo(sum, relative(sum));
        assertThat((double) bucket.get("mean")).isCloseTo(mean, relative(mean));
        double stddev = Math.sqrt(squares / inMinute.size());
        assertThat((double) bucket.get("stddev")).isCloseTo(stddev, relative(stddev));
        assertThat((double) bucket.get("twa")).isCloseTo(area / span, relative(area / span));
    }

    private static org.assertj.core.data.Offset<Double> relative(double expected) {
        return within(Math.abs(expected) * 1e-9);
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private static SluiceConfig config(String jdbcUrl) {
        return SluiceConfig.load(Map.of(), Map.of())
                .with("jdbc.url", jdbcUrl)
                .with("jdbc.user", EmbeddedPostgresServer.USER)
                .with("jdbc.password", EmbeddedPostgresServer.PASSWORD)
                .with("history.max.rows", String.valueOf(MAX_ROWS))
                .with("history.max.range", "1h");
    }

    /** The handler mounted as websocket-sink mounts it, under /api/history, on a free port. */
    private static Server server(HistoryHandler handler) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        PathMappingsHandler paths = new PathMappingsHandler();
        paths.addMapping(PathSpec.from("/api/history"), handler);
        jetty.setHandler(paths);
        jetty.start();
        return jetty;
    }

    private static HttpResponse<String> get(String query) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(endpoint + "?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String query) throws Exception {
        HttpResponse<String> response = get(query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The rows of a JSON answer, numbers as Long or Double as they were written. */
    private static List<Map<String, Object>> rows(JsonNode answer) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode node : answer.get("rows")) {
            Map<String, Object> row = new LinkedHashMap<>();
            node.properties().forEach(e -> row.put(e.getKey(), value(e.getValue())));
            rows.add(row);
        }
        return rows;
    }

    private static Object value(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isFloatingPointNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.isNull() ? null : node.asText();
    }

    /** A CSV line read with the types of the JSON row beside it. */
    private static Map<String, Object> csvRow(
            List<String> header, String line, Map<String, Object> like) {
        String[] cells = line.split(",", -1);
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            Object kind = like.get(header.get(i));
            String cell = cells[i];
            row.put(
                    header.get(i),
                    kind instanceof Long
                            ? (Object) Long.parseLong(cell)
                            : kind instanceof Double ? (Object) Double.parseDouble(cell) : cell);
        }
        return row;
    }
}
