package io.sluice.demo;

import io.sluice.config.SluiceConfig;
import io.sluice.websocket.dashboard.DashboardPage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The dashboard in headless Chromium against the whole running pipeline (simulator, Kafka, the job
 * on a MiniCluster, PostgreSQL, Redis, websocket-sink): it connects, a chart backfills from the
 * history API, goes on with live points, and its points are the stored windows.
 */
class DemoBrowserIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir Path dir;

    /** Stored 1 s windows of a tag (tag=...) or a prefix (prefix=...). */
    private static JsonNode history(String base, String which, long from, long to)
            throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        base
                                                                + "api/history?"
                                                                + which
                                                                + "&from="
                                                                + from
                                                                + "&to="
                                                                + to
                                                                + "&window=1s"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return MAPPER.readTree(r.body()).get("rows");
    }

    @Test
    void theDashboardOfTheRunningPipelineBackfillsFromHistoryThenGoesLive() throws Exception {
        Assumptions.assumeTrue(
                DashboardPage.browserInstalled(),
                "needs Debian's chromium and chromium-driver (.ci/run installs them)");
        SluiceConfig config =
                SluiceConfig.load(
                        Map.of(),
                        Map.of(
                                "local.data.dir", dir.toString(),
                                "local.flink.rest.port", "0",
                                "websocket.port", "0",
                                "websocket.host", "127.0.0.1",
                                "simulator.tags", "200"));
        Path target = Path.of(System.getProperty("basedir", "."), "target");
        try (Demo demo = new Demo(config).start()) {
            String base = demo.dashboardUrl().replace("localhost", "127.0.0.1");
            // some history first, so the chart has something to backfill; the tag is the first
            // stored one
            JsonNode stored =
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(500))
                            .until(
                                    () ->
                                            history(
                                                    base,
                                                    "prefix=plant1",
                                                    System.currentTimeMillis() - 600_000,
                                                    System.currentTimeMillis()),
                                    rows ->
                                            rows.size() >= 3
                                                    && rows.get(0)
                                                            .get("tag")
                                                            .asText()
                                                            .equals(
                                                                    rows.get(2)
                                                                            .get("tag")
                                                                            .asText()));
            String tag = stored.get(0).get("tag").asText();

            try (DashboardPage page =
                    DashboardPage.open(URI.create(base), target.resolve("chromium"))) {
                page.awaitConnected().awaitTagCount(200);
                page.awaitTreeTags(tag, 1);
                page.clickTag(tag);
                DashboardPage.Series backfilled = page.awaitChartLive(tag);
                long lastBackfilled = backfilled.starts().get(backfilled.size() - 1);
                DashboardPage.Series chart =
                        page.awaitChartPoint(tag, lastBackfilled + 3000); // live points follow
                page.screenshot(target.resolve("demo-dashboard.png"));

                List<Long> starts = chart.starts();
                for (int i = 1; i < starts.size(); i++) {
                    assertThat(starts.get(i) - starts.get(i - 1))
                            .as("step at %d", starts.get(i))
                            .isEqualTo(1000);
                }
                // every point, backfilled or live, is the window the job stored
                JsonNode rows =
                        history(
                                base,
                                "tag=" + tag,
                                starts.get(0),
                                starts.get(starts.size() - 1) + 1000);
                assertThat(rows).hasSize(starts.size());
                for (int i = 0; i < starts.size(); i++) {
                    JsonNode row = rows.get(i);
                    assertThat(row.get("window_start").asLong()).isEqualTo(starts.get(i));
                    assertThat(chart.mins().get(i)).isEqualTo(row.get("min").asDouble());
                    assertThat(chart.maxs().get(i)).isEqualTo(row.get("max").asDouble());
                    // live means carry 6 significant digits (redis.value.digits); stored ones are
                    // exact
                    assertThat(chart.means().get(i))
                            .isCloseTo(
                                    row.get("mean").asDouble(),
                                    within(1e-5 * Math.abs(row.get("mean").asDouble()) + 1e-9));
                    if (starts.get(i) <= lastBackfilled) {
                        assertThat(chart.means().get(i))
                                .as("backfilled mean")
                                .isEqualTo(row.get("mean").asDouble());
                    }
                }
                assertThat(page.stat("reconnects")).isZero();
            }
        }
    }
}
