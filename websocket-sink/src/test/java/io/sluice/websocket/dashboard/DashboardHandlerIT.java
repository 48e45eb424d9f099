package io.sluice.websocket.dashboard;

import io.sluice.websocket.WebSocketSink;
import io.sluice.websocket.testing.SinkFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's files as websocket-sink serves them, started as the program starts it ({@code
 * WebSocketSink.fromConfig}): the page at {@code /}, its settings, uPlot from the webjar, and
 * refusals; the other routes keep theirs.
 */
class DashboardHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension final SinkFixture fixture = new SinkFixture();
    private WebSocketSink sink;

    @BeforeEach
    void start() throws Exception {
        sink =
                fixture.startFromConfig(
                        Map.of("pusher.app.key", "plant-key", "websocket.channel", "plant-data"));
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(SinkFixture.httpUri(sink, path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRootServesThePageWhichLoadsItsScriptsAndUplot() throws Exception {
        HttpResponse<String> page = send("GET", "/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(page.body())
                .contains("<title>Sluice")
                .contains("/webjars/uplot/dist/uPlot.iife.min.js")
                .contains("/pusher-lite.js")
                .contains("/window-version.js")
                .contains("/app.js");
        assertThat(send("GET", "/index.html").body()).isEqualTo(page.body());
    }

    @Test
    void theStaticFilesComeWithTheirContentTypes() throws Exception {
        for (var file :
                Map.of(
                                "/app.js", "text/javascript;charset=utf-8",
                                "/pusher-lite.js", "text/javascript;charset=utf-8",
                                "/window-version.js", "text/javascript;charset=utf-8",
                                "/style.css", "text/css;charset=utf-8")
                        .entrySet()) {
            HttpResponse<String> response = send("GET", file.getKey());

            assertThat(response.statusCode()).as(file.getKey()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .as(file.getKey())
                    .hasValue(file.getValue());
            assertThat(response.body()).isNotEmpty();
        }
    }

    @Test
    void theConfigCarriesTheConfiguredKeyChannelAndEvent() throws Exception {
        HttpResponse<String> response = send("GET", "/dashboard/config.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/json; charset=utf-8");
        JsonNode config = JSON.readTree(response.body());
        assertThat(config.get("appKey").asText()).isEqualTo("plant-key");
        assertThat(config.get("channel").asText()).isEqualTo("plant-data");
        assertThat(config.get("event").asText()).isEqualTo("scada.data.received");
        assertThat(config.get("windowMs").asLong()).isEqualTo(1000);
        // jdbc.url is "embedded" here, not a database: no history API, and the page is told so
        assertThat(config.get("historyPath").isNull()).isTrue();
    }

    @Test
    void uplotIsServedFromItsWebjar() throws Exception {
        HttpResponse<String> js = send("GET", "/webjars/uplot/dist/uPlot.iife.min.js");
        HttpResponse<String> css = send("GET", "/webjars/uplot/dist/uPlot.min.css");

        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type"))
                .hasValue("text/javascript;charset=utf-8");
        assertThat(js.body()).contains("uPlot");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css;charset=utf-8");
        assertThat(css.body()).contains(".uplot");
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        HttpResponse<String> head = send("HEAD", "/app.js");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void unknownFilesFoldersAndOtherClasspathResourcesAreNotServed() throws Exception {
        for (String path :
                new String[] {
                    "/nope.js",
                    "/dashboard/other.json",
                    "/webjars/uplot/dist/nope.js",
                    "/webjars/other/x.js",
                    "/io/sluice/websocket/http/DashboardHandler.class",
                    "/../sluice/sluice.properties",
                    "/webjars/uplot/../../../../../META-INF/MANIFEST.MF",
                    "/webjars/uplot/dist/"
                }) {
            HttpResponse<String> response = send("GET", path);

            assertThat(response.statusCode())
                    .as(path)
                    .isIn(400, 403, 404); // 403: a folder, never listed
            assertThat(response.body())
                    .as(path)
                    .doesNotContain("Manifest-Version")
                    .doesNotContain("pusher.app.secret");
        }
        assertThat(send("GET", "/nope.js").statusCode()).isEqualTo(404);
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        for (String path : new String[] {"/", "/app.js", "/dashboard/config.json", "/nope"}) {
            HttpResponse<String> response = send("POST", path);

            assertThat(response.statusCode()).as(path).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).as(path).hasValue("GET, HEAD");
        }
        assertThat(send("PUT", "/index.html").statusCode()).isEqualTo(405);
    }

    @Test
    void theOtherRoutesKeepTheirs() throws Exception {
        HttpResponse<String> health = send("GET", "/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        assertThat(send("GET", "/metrics").body()).contains("sluice_websocket");
        // the Pusher HTTP API answers for itself (an unsigned request), not with a dashboard 404
        assertThat(send("POST", "/apps/scada-app/events").statusCode()).isNotIn(404, 405);
    }
}
