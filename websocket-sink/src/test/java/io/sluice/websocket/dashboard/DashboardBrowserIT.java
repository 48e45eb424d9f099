package io.sluice.websocket.dashboard;

import io.sluice.local.EmbeddedPostgresServer;
import io.sluice.reading.Quality;
import io.sluice.reading.Reading;
import io.sluice.testing.StoredWindows;
import io.sluice.testing.WindowOracle;
import io.sluice.testing.WindowOracle.Row;
import io.sluice.update.GroupUpdate;
import io.sluice.update.TagUpdate;
import io.sluice.update.UpdateCodec;
import io.sluice.update.UpdateKeys;
import io.sluice.websocket.WebSocketSink;
import io.sluice.websocket.testing.SinkFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium against websocket-sink started as the program starts
 * it, with embedded Redis and PostgreSQL: the tag browser, a chart that loads its history and then
 * goes on live with no gap and no duplicate at the seam, and the page keeping up with 50 charts and
 * 2,000 tags updating every second (its frame rate and long tasks are printed, not asserted).
 */
class DashboardBrowserIT {
    private static final long SECOND = 1_000;

    /**
     * History ends and the live updates start at the second the class starts; all times are offsets
     * from it.
     */
    private static final long LIVE = System.currentTimeMillis() / SECOND * SECOND;

    private static final int HISTORY_SECONDS = 120;

    private static final String AREA = "plant1.area03";
    private static final String PUMP = AREA + ".pump007.pressure";
    private static final List<String> AREA_TAGS =
            List.of(PUMP, AREA + ".pump007.flow", AREA + ".tank004.level");
    private static final String VALVE = "plant2.area01.valve001.position";
    private static final List<String> TAGS =
            List.of(PUMP, AREA + ".pump007.flow", AREA + ".tank004.level", VALVE);

    /** The load: 40 areas of 10 pumps of 5 measurements. */
    private static final int LOAD_AREAS = 40;

    private static final int LOAD_PUMPS = 10;
    private static final List<String> LOAD_MEASUREMENTS =
            List.of("pressure", "flow", "temperature", "vibration", "current");
    private static final int LOAD_TAGS = LOAD_AREAS * LOAD_PUMPS * LOAD_MEASUREMENTS.size();
    private static final int LOAD_CHARTS = 50;
    private static final Duration MEASURE = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final UpdateCodec CODEC = UpdateCodec.withDefaults();

    @TempDir static Path dir;
    private static EmbeddedPostgresServer postgres;
    private static SinkFixture fixture;
    private static WebSocketSink sink;
    private static URI base;
    private DashboardPage page;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(DashboardPage.CHROMIUM),
                "DashboardBrowserIT needs Debian's chromium at "
                        + DashboardPage.CHROMIUM
                        + " (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        postgres = new EmbeddedPostgresServer(dir.resolve("pg")).start();
        List<Row> history = WindowOracle.windows(historyReadings(), SECOND, start -> 0);
        try (Connection c =
                DriverManager.getConnection(
                        postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            StoredWindows.store(c, history);
        }
        fixture = new SinkFixture(dir);
        sink =
                fixture.startFromConfig(
                        Map.of(
                                "jdbc.url",
                                postgres.jdbcUrl(),
                                "jdbc.user",
                                postgres.user(),
                                "jdbc.password",
                                postgres.password()));
        base = URI.create("http://127.0.0.1:" + sink.port());
        // The latest values, as the job's sink keeps them: each tag's last stored window, so the
        // page's
        // snapshot overlaps the history's last row (the chart must not show it twice).
        for (Row p : history) {
            if (p.start() == LIVE - SECOND) {
                String group = UpdateKeys.groupOf(p.tag(), 2);
                String name = UpdateKeys.nameInGroup(p.tag(), 2);
                TagUpdate latest =
                        new TagUpdate(
                                name,
                                p.start(),
                                p.count(),
                                p.min(),
                                p.max(),
                                p.mean(),
                                p.stddev(),
                                p.twa(),
                                p.lastValue(),
                                p.worst(),
                                p.revision());
                fixture.redis()
                        .hset(
                                UpdateKeys.latestKey(
                                        UpdateKeys.DEFAULT_LATEST_PREFIX, SECOND, group),
                                name,
                                new String(CODEC.encodeLatest(latest), StandardCharsets.UTF_8));
            }
        }
    }

    @AfterEach
    void closePage() {
        if (page != null) {
            page.close();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static DashboardPage openPage() throws Exception {
        return DashboardPage.open(
                        base, Path.of(System.getProperty("basedir", "."), "target", "chromium"))
                .awaitConnected();
    }

    @Test
    void theTagBrowserListsTheTagsOfTheSnapshotAndFiltersThem() throws Exception {
        page = openPage().awaitTagCount(TAGS.size());

        assertThat(page.awaitTreeTags("plant", TAGS.size()))
                .containsExactlyInAnyOrderElementsOf(TAGS);
        assertThat(page.awaitTreeTags("PUMP007", 2))
                .containsExactlyInAnyOrder(PUMP, AREA + ".pump007.flow");
        assertThat(page.awaitTreeTags("valve", 1)).containsExactly(VALVE);
        assertThat(page.awaitTreeTags("nothing-like-this", 0)).isEmpty();
    }

    @Test
    void aChartLoadsItsHistoryThenGoesOnLiveWithNoGapAndNoDuplicate() throws Exception {
        page = openPage().awaitTagCount(TAGS.size());
        for (int k = 0; k < 3; k++) {
            publishArea(k, 0); // live before the chart is opened: the page keeps them for it
        }
        // More live windows while the chart loads its history: buffered, then merged.
        Thread publisher =
                new Thread(
                        () -> {
                            for (int k = 3; k < 15; k++) {
                                publishArea(k, 0);
                                pause(150);
                            }
                        });
        publisher.start();
        page.awaitTreeTags(PUMP, 1);
        page.clickTag(PUMP);
        publisher.join();
        // A late revision of a window the chart has: it replaces the point.
        fixture.publishUpdate(
                AREA, message(LIVE + 5 * SECOND, 1, List.of("pump007.pressure"), 50, 150, 99.5));
        publishArea(15, 0);

        DashboardPage.Series chart = page.awaitChartPoint(PUMP, LIVE + 15 * SECOND);
        List<Map<String, Object>> rows = historyRows(PUMP, LIVE - 600 * SECOND, LIVE);

        // Window starts: strictly increasing, one per second, from the first stored window to the
        // last live one.
        List<Long> starts = chart.starts();
        assertThat(starts).first().isEqualTo(LIVE - HISTORY_SECONDS * SECOND);
        assertThat(starts).last().isEqualTo(LIVE + 15 * SECOND);
        for (int i = 1; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - 1))
                    .as("step at %s", starts.get(i))
                    .isEqualTo(SECOND);
        }
        // Before the seam: exactly the history API's rows.
        assertThat(rows).hasSize(HISTORY_SECONDS);
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            assertThat(starts.get(i)).isEqualTo(((Number) row.get("window_start")).longValue());
            assertThat(chart.mins().get(i)).isEqualTo(((Number) row.get("min")).doubleValue());
            assertThat(chart.maxs().get(i)).isEqualTo(((Number) row.get("max")).doubleValue());
            assertThat(chart.means().get(i)).isEqualTo(((Number) row.get("mean")).doubleValue());
        }
        // After it: the live windows, the revised one replaced.
        for (int k = 0; k <= 15; k++) {
            int i = HISTORY_SECONDS + k;
            assertThat(starts.get(i)).isEqualTo(LIVE + k * SECOND);
            assertThat(chart.means().get(i))
                    .as("mean of live window %d", k)
                    .isEqualTo(k == 5 ? 99.5 : liveMean(k, 0));
            assertThat(chart.mins().get(i)).isEqualTo(k == 5 ? 50 : liveMean(k, 0) - 1);
        }
        assertThat(page.stat("reconnects")).isZero();
        page.screenshot(Path.of(System.getProperty("basedir", "."), "target", "dashboard.png"));
    }

    /**
     * The range picker: an hour draws the history's plot values (each bucket's min, max and last
     * value, fewer points than windows), whose extremes are the stored windows'; the live windows
     * go on from its end.
     */
    @Test
    void aLongRangeDrawsPlotValuesOfTheHistoryAndGoesOnLiveFromItsEnd() throws Exception {
        page = openPage().awaitTagCount(TAGS.size());
        page.awaitTreeTags(PUMP, 1);
        page.clickTag(PUMP);
        assertThat(page.awaitChartLive(PUMP).size()).isGreaterThanOrEqualTo(HISTORY_SECONDS);

        page.pickRange("1h");
        // An hour in 1,000 points: buckets of 3.6 s, so the 120 stored windows make about 34.
        DashboardPage.Series plot = page.awaitChartLiveWithFewer(PUMP, HISTORY_SECONDS / 2);
        List<Map<String, Object>> stored =
                historyRows(PUMP, LIVE - 600 * SECOND, LIVE + 60 * SECOND);
        assertThat(plot.size()).isBetween(HISTORY_SECONDS / 4, HISTORY_SECONDS / 3 + 2);
        assertThat(plot.mins().stream().mapToDouble(Double::doubleValue).min().orElseThrow())
                .isEqualTo(
                        stored.stream()
                                .mapToDouble(r -> ((Number) r.get("min")).doubleValue())
                                .min()
                                .orElseThrow());
        assertThat(plot.maxs().stream().mapToDouble(Double::doubleValue).max().orElseThrow())
                .isEqualTo(
                        stored.stream()
                                .mapToDouble(r -> ((Number) r.get("max")).doubleValue())
                                .max()
                                .orElseThrow());
        assertThat(plot.starts()).isSorted().doesNotHaveDuplicates();

        publishArea(30, 0);
        DashboardPage.Series live = page.awaitChartPoint(PUMP, LIVE + 30 * SECOND);
        assertThat(live.starts()).last().isEqualTo(LIVE + 30 * SECOND);
        assertThat(live.means().get(live.size() - 1)).isEqualTo(liveMean(30, 0));
        assertThat(live.size()).isEqualTo(plot.size() + 1);
        page.screenshot(Path.of(System.getProperty("basedir", "."), "target", "dashboard-1h.png"));
    }

    @Test
    void afterTheServerRestartsThePageReconnectsAndResumesWithoutLosingAWindow() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> config = Map.of("websocket.port", String.valueOf(port));
        WebSocketSink first = fixture.startFromConfig(config);
        page =
                DashboardPage.open(
                                URI.create("http://127.0.0.1:" + port),
                                Path.of(System.getProperty("basedir", "."), "target", "chromium"))
                        .awaitConnected()
                        .awaitTagCount(TAGS.size());
        page.awaitTreeTags(PUMP, 1);
        page.clickTag(PUMP);
        page.awaitChartLive(PUMP);
        publishArea(100, 0);
        page.awaitChartPoint(PUMP, LIVE + 100 * SECOND);
        long snapshots = page.stat("snapshots");

        first.stop(); // clients are told 4200: reconnect at once; the page retries with backoff
        // until it is back
        new org.openqa.selenium.support.ui.FluentWait<>(page)
                .withTimeout(DashboardPage.WAIT)
                .until(p -> !p.connected());
        for (int k = 101; k <= 105; k++) {
            publishArea(k, 0); // missed while away
        }
        fixture.startFromConfig(config);
        page.awaitConnected();
        publishArea(106, 0);

        DashboardPage.Series chart = page.awaitChartPoint(PUMP, LIVE + 106 * SECOND);
        List<Long> starts = chart.starts();
        int from = starts.indexOf(LIVE + 100 * SECOND);
        assertThat(starts.subList(from, starts.size()))
                .containsExactly(
                        LongStream.rangeClosed(100, 106)
                                .mapToObj(k -> LIVE + k * SECOND)
                                .toArray(Long[]::new));
        assertThat(page.stat("reconnects")).isPositive();
        assertThat(page.stat("snapshots"))
                .as("resumed from last_id, not a new snapshot")
                .isEqualTo(snapshots);
    }

    @Test
    void fiftyChartsAndTwoThousandTagsAtOneUpdateASecondKeepUp() throws Exception {
        page = openPage().awaitTagCount(TAGS.size());
        long before = page.stat("tagUpdates");
        AtomicLong published = new AtomicLong();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        try {
            load.scheduleAtFixedRate(
                    () -> published.addAndGet(publishLoad()), 0, 1, TimeUnit.SECONDS);
            page.awaitTagCount(TAGS.size() + LOAD_TAGS);
            List<String> area01 = page.awaitTreeTags("plant3.area01.", LOAD_CHARTS);
            for (String tag : area01) {
                page.clickTag(tag);
            }
            for (String tag : area01) {
                page.awaitChartLive(tag);
            }
            assertThat(page.stat("charts")).isEqualTo(LOAD_CHARTS);

            page.observeLongTasks();
            long frames0 = page.frames();
            long t0 = System.nanoTime();
            List<Long> backlog = new ArrayList<>();
            double maxDirtyMs = 0;
            while (System.nanoTime() - t0 < MEASURE.toNanos()) {
                pause(1000);
                Map<String, Object> stats = page.stats();
                backlog.add(
                        published.get()
                                - (((Number) stats.get("tagUpdates")).longValue() - before));
                maxDirtyMs =
                        Math.max(maxDirtyMs, ((Number) stats.get("oldestDirtyMs")).doubleValue());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long frames = page.frames() - frames0;
            Map<String, Object> longTasks = page.longTasks();
            Map<String, Object> stats = page.stats();
            System.out.printf(
                    "DashboardBrowserIT: %d charts, %d tags at 1 update/s: %.1f frames/s over %.1f s; long tasks: %s;"
                            + " page rates %.1f msg/s, %.0f tag updates/s; backlog samples (published - received) %s;"
                            + " oldest undrawn chart change %.0f ms%n",
                    LOAD_CHARTS,
                    LOAD_TAGS,
                    frames / seconds,
                    seconds,
                    longTasks,
                    ((Number) stats.get("msgRate")).doubleValue(),
                    ((Number) stats.get("tagRate")).doubleValue(),
                    backlog,
                    maxDirtyMs);
            page.screenshot(
                    Path.of(System.getProperty("basedir", "."), "target", "dashboard-load.png"));

            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            // Keeps up: every update arrives, the backlog does not grow, no reconnect (no
            // slow-consumer close).
            long sent = published.get();
            new org.openqa.selenium.support.ui.FluentWait<>(page)
                    .withTimeout(Duration.ofSeconds(15))
                    .withMessage(() -> "the page receives all " + sent + " tag updates")
                    .until(p -> p.stat("tagUpdates") - before == sent);
            assertThat(backlog.get(backlog.size() - 1))
                    .as("backlog at the end vs the start: %s", backlog)
                    .isLessThanOrEqualTo(backlog.get(0) + LOAD_TAGS);
            assertThat(page.stat("reconnects")).isZero();
            assertThat(frames).as("the page draws frames").isPositive();
        } finally {
            load.shutdownNow();
        }
    }

    // ---- the data -------------------------------------------------------------------------------

    /** HISTORY_SECONDS of readings per tag before LIVE, 100 ms apart. */
    private static List<Reading> historyReadings() {
        Random random = new Random(7);
        List<Reading> readings = new ArrayList<>();
        for (String tag : TAGS) {
            double level = 10 + random.nextInt(90);
            for (long ts = LIVE - HISTORY_SECONDS * SECOND; ts < LIVE; ts += 100) {
                double value = level + 3 * Math.sin(ts / 9_000.0) + random.nextGaussian() * 0.4;
                readings.add(
                        new Reading(
                                tag,
                                ts,
                                value,
                                random.nextDouble() < 0.95 ? Quality.GOOD : Quality.UNCERTAIN));
            }
        }
        return readings;
    }

    /**
     * The live mean of window k: small exact numbers, so the codec's rounding keeps them as they
     * are.
     */
    private static double liveMean(int k, int revision) {
        return 40 + k + 0.25 + revision;
    }

    /** Publishes the area's live window k: min = mean - 1, max = mean + 1. */
    private static void publishArea(int k, int revision) {
        double mean = liveMean(k, revision);
        fixture.publishUpdate(
                AREA,
                message(
                        LIVE + k * SECOND,
                        revision,
                        AREA_TAGS.stream().map(t -> UpdateKeys.nameInGroup(t, 2)).toList(),
                        mean - 1,
                        mean + 1,
                        mean));
    }

    private static String message(
            long start, int revision, List<String> names, double min, double max, double mean) {
        List<TagUpdate> tags = new ArrayList<>();
        for (String name : names) {
            tags.add(
                    new TagUpdate(
                            name,
                            start,
                            10,
                            min,
                            max,
                            mean,
                            0.5,
                            mean,
                            mean,
                            Quality.GOOD,
                            revision));
        }
        return new String(
                CODEC.encodeMessage(new GroupUpdate(AREA, SECOND, start, tags)),
                StandardCharsets.UTF_8);
    }

    private static long lastLoadWindow() {
        return (System.currentTimeMillis() - SECOND) / SECOND * SECOND;
    }

    /**
     * One second of the load: each area's window that just closed, one message per area; returns
     * the tag updates sent.
     */
    private static long publishLoad() {
        long start = lastLoadWindow();
        long sent = 0;
        for (int a = 1; a <= LOAD_AREAS; a++) {
            String group = String.format("plant3.area%02d", a);
            List<TagUpdate> tags = new ArrayList<>();
            for (int p = 1; p <= LOAD_PUMPS; p++) {
                for (String m : LOAD_MEASUREMENTS) {
                    double v = 50 + 10 * Math.sin(start / 20_000.0 + a + p) + m.length();
                    int q = (a + p) % 17 == 0 ? 2 : (a + p) % 7 == 0 ? 1 : 0;
                    tags.add(
                            new TagUpdate(
                                    String.format("pump%03d.%s", p, m),
                                    start,
                                    10,
                                    v - 1.5,
                                    v + 1.5,
                                    v,
                                    0.8,
                                    v,
                                    v + 0.5,
                                    Quality.values()[q],
                                    0));
                }
            }
            fixture.publishUpdate(
                    group,
                    new String(
                            CODEC.encodeMessage(new GroupUpdate(group, SECOND, start, tags)),
                            StandardCharsets.UTF_8));
            sent += tags.size();
        }
        return sent;
    }

    private static List<Map<String, Object>> historyRows(String tag, long from, long to)
            throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        base.resolve(
                                                "/api/history?tag="
                                                        + tag
                                                        + "&from="
                                                        + from
                                                        + "&to="
                                                        + to))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode row : JSON.readTree(response.body()).get("rows")) {
            Map<String, Object> r = new LinkedHashMap<>();
            row.properties()
                    .forEach(
                            e ->
                                    r.put(
                                            e.getKey(),
                                            e.getValue().isNumber()
                                                    ? e.getValue().numberValue()
                                                    : e.getValue().asText()));
            rows.add(r);
        }
        return rows;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
