package io.sluice.demo;

import io.sluice.config.SluiceConfig;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;
import io.sluice.testing.WindowOracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The history API against the job's oracle: a deterministic simulator run goes through the whole
 * pipeline (Kafka, the job, PostgreSQL), and the API's raw windows and its rollups of 1 s windows
 * into 1 min buckets equal what {@link WindowOracle} recomputes from the readings sent.
 */
class HistoryOracleIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-26T08:00:00Z");
    private static final int TAGS = 60;
    private static final int EVENT_SECONDS = 150; // two whole minutes, and half of a third
    private static final long SECOND = 1000;
    private static final long MINUTE = 60_000;

    @TempDir Path dir;

    @Test
    void storedWindowsAndTheirRollupsEqualTheOracle() throws Exception {
        Path copy = dir.resolve("readings.ndjson");
        SluiceConfig config =
                SluiceConfig.load(
                        Map.of(),
                        Map.of(
                                "local.data.dir", dir.resolve("run").toString(),
                                "local.flink.rest.port", "0",
                                "websocket.port", "0",
                                "websocket.host", "127.0.0.1",
                                "simulator.tags", Integer.toString(TAGS),
                                "simulator.rate", "max",
                                "simulator.count", Integer.toString(TAGS * 10 * EVENT_SECONDS),
                                "simulator.start.time", START.toString(),
                                "simulator.copy.file", copy.toString()));
        Files.createDirectories(dir.resolve("run"));
        try (Demo demo = new Demo(config).start()) {
            assertThat(demo.simulatorEnded().get(60, TimeUnit.SECONDS))
                    .as("the simulator's failure")
                    .isNull();
            String base = demo.dashboardUrl().replace("localhost", "127.0.0.1") + "api/history?";
            List<Reading> sent = readings(copy);
            Map<String, WindowOracle.Row> oracle =
                    WindowOracle.expected(sent, new long[] {SECOND, MINUTE});
            String tag = sent.get(0).tag;
            String prefix =
                    tag.substring(
                            0, tag.indexOf('.', tag.indexOf('.') + 1)); // its group: plant1.area01
            long from = START.toEpochMilli();
            long to = from + 2 * MINUTE; // the whole minutes, long closed: the watermark is
            // near 08:02:28

            // the job has stored the two minutes: 1 s windows of the prefix, then their 1 min
            // windows
            JsonNode seconds =
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(500))
                            .until(
                                    () ->
                                            rows(
                                                    base
                                                            + "prefix="
                                                            + prefix
                                                            + "&window=1s&from="
                                                            + from
                                                            + "&to="
                                                            + to),
                                    r ->
                                            r.size()
                                                    == expectedCount(
                                                            oracle, prefix, SECOND, from, to));
            JsonNode minutes =
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(500))
                            .until(
                                    () ->
                                            rows(
                                                    base
                                                            + "prefix="
                                                            + prefix
                                                            + "&window=1m&from="
                                                            + from
                                                            + "&to="
                                                            + to),
                                    r ->
                                            r.size()
                                                    == expectedCount(
                                                            oracle, prefix, MINUTE, from, to));
            assertThat(seconds.size()).as("1 s windows of %s", prefix).isGreaterThan(2 * 60);
            assertRowsEqualOracle(seconds, oracle, SECOND);
            assertRowsEqualOracle(minutes, oracle, MINUTE);

            // the rollup of the 1 s windows into 1 min buckets, computed in SQL, equals the 1 min
            // oracle
            JsonNode rollup =
                    rows(
                            base
                                    + "prefix="
                                    + prefix
                                    + "&window=1s&bucket=1m&from="
                                    + from
                                    + "&to="
                                    + to);
            assertThat(rollup.size()).isEqualTo(minutes.size());
            for (JsonNode row : rollup) {
                long start = row.get("window_start").asLong();
                long stored =
                        oracle.values().stream()
                                .filter(
                                        r ->
                                                r.windowMs() == SECOND
                                                        && r.tag().equals(row.get("tag").asText())
                                                        && r.start() >= start
                                                        && r.start() < start + MINUTE)
                                .count(); // fewer than 60 where a tag dropped out
                assertThat(row.get("windows").asLong())
                        .as("1 s windows in %s's minute %d", row.get("tag").asText(), start)
                        .isEqualTo(stored);
            }
            assertThat(rollup)
                    .as("a minute with a dropout, whose held value the rollup's TWA must count")
                    .anyMatch(row -> row.get("windows").asLong() < 60);
            assertRowsEqualOracle(rollup, oracle, MINUTE);

            // one tag, as CSV too: the same numbers
            String csv =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            base
                                                                    + "tag="
                                                                    + tag
                                                                    + "&window=1s&bucket=1m&format=csv&from="
                                                                    + from
                                                                    + "&to="
                                                                    + to))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            String[] lines = csv.strip().split("\n");
            assertThat(lines).hasSize(3);
            List<String> header = List.of(lines[0].split(","));
            String[] first = lines[1].split(",");
            WindowOracle.Row o = oracle.get(WindowOracle.key(tag, MINUTE, from));
            assertThat(Long.parseLong(first[header.indexOf("count")])).isEqualTo(o.count());
            assertThat(Double.parseDouble(first[header.indexOf("min")])).isEqualTo(o.min());
            assertThat(Double.parseDouble(first[header.indexOf("mean")]))
                    .isCloseTo(o.mean(), within(1e-9 * Math.abs(o.mean())));
        }
    }

    private static long expectedCount(
            Map<String, WindowOracle.Row> oracle, String prefix, long size, long from, long to) {
        return oracle.values().stream()
                .filter(
                        r ->
                                r.windowMs() == size
                                        && r.tag().startsWith(prefix + ".")
                                        && r.start() >= from
                                        && r.start() < to)
                .count();
    }

    /** Every row equals the oracle's window of the same tag, size and start. */
    private static void assertRowsEqualOracle(
            JsonNode rows, Map<String, WindowOracle.Row> oracle, long size) {
        Map<String, JsonNode> byKey = new TreeMap<>();
        for (JsonNode row : rows) {
            byKey.put(
                    WindowOracle.key(
                            row.get("tag").asText(), size, row.get("window_start").asLong()),
                    row);
        }
        assertThat(byKey).hasSize(rows.size());
        for (Map.Entry<String, JsonNode> e : byKey.entrySet()) {
            WindowOracle.Row o = oracle.get(e.getKey());
            JsonNode r = e.getValue();
            String at = e.getKey();
            assertThat(o).as("oracle window %s", at).isNotNull();
            assertThat(r.get("window_end").asLong()).as("end %s", at).isEqualTo(o.start() + size);
            assertThat(r.get("count").asLong()).as("count %s", at).isEqualTo(o.count());
            assertThat(r.get("good_count").asLong()).as("good %s", at).isEqualTo(o.good());
            assertThat(r.get("bad_count").asLong()).as("bad %s", at).isEqualTo(o.bad());
            assertThat(r.get("min").asDouble()).as("min %s", at).isEqualTo(o.min());
            assertThat(r.get("max").asDouble()).as("max %s", at).isEqualTo(o.max());
            assertThat(r.get("first_value").asDouble())
                    .as("first %s", at)
                    .isEqualTo(o.firstValue());
            assertThat(r.get("last_value").asDouble()).as("last %s", at).isEqualTo(o.lastValue());
            assertThat(r.get("worst_quality").asText())
                    .as("worst %s", at)
                    .isEqualTo(o.worst().name().toLowerCase());
            assertClose("sum " + at, r.get("sum").asDouble(), o.sum());
            assertClose("mean " + at, r.get("mean").asDouble(), o.mean());
            assertClose("stddev " + at, r.get("stddev").asDouble(), o.stddev());
            assertClose("twa " + at, r.get("twa").asDouble(), o.twa());
        }
    }

    private static void assertClose(String what, double actual, double expected) {
        assertThat(actual)
                .as(what)
                .isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    }

    private static JsonNode rows(String url) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = MAPPER.readTree(r.body());
        assertThat(body.get("truncated").asBoolean()).isFalse();
        return body.get("rows");
    }

    private static List<Reading> readings(Path copy) throws Exception {
        ReadingCodec codec = ReadingCodec.withDefaults();
        List<Reading> readings = new ArrayList<>();
        for (String line : Files.readAllLines(copy)) {
            Reading r = new Reading();
            assertThat(codec.decode(line.getBytes(StandardCharsets.UTF_8), r)).isNull();
            readings.add(r);
        }
        return readings;
    }
}
