package io.sluice.websocket.http;

import io.sluice.websocket.WebSocketSinkSettings;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * The operators' live dashboard (issue 5): the page and its scripts from the classpath, uPlot from
 * its webjar, and {@code /dashboard/config.json}, the settings the page connects with.
 *
 * <p>Mounted at {@code /}, the fallback route, so every path the other routes do not take ends
 * here: {@code /} and the files of {@value #FILES}, {@code /webjars/uplot/...} (the webjar's files
 * under a version-free path, so the page does not change with uPlot's version), and 404 for
 * anything else. Files are served by Jetty's {@link ResourceHandler} over classpath resources (no
 * directory listings, ETags, {@code Cache-Control: no-cache} so a new build is picked up at once);
 * only GET and HEAD are allowed.
 */
public final class DashboardHandler extends Handler.Wrapper {
    /** The classpath folder of the page's own files. */
    public static final String FILES = "io/sluice/websocket/dashboard/";

    /** Where the page reads its settings. */
    public static final String CONFIG_PATH = "/dashboard/config.json";

    /** Where uPlot's files are served: {@code /webjars/uplot/dist/uPlot.iife.min.js}. */
    public static final String UPLOT_PATH = "/webjars/uplot";

    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String ALLOW = "GET, HEAD";

    private final String configJson;

    /**
     * @param settings the service's settings: the page connects with its app key and channel
     * @param historyPath where the history API is mounted, or null when there is none (the charts
     *     then start empty and fill from the live updates)
     */
    public DashboardHandler(WebSocketSinkSettings settings, String historyPath) {
        Objects.requireNonNull(settings, "settings");
        configJson =
                "{\"appKey\":"
                        + JsonResponses.quote(settings.appKey())
                        + ",\"channel\":"
                        + JsonResponses.quote(settings.channel())
                        + ",\"event\":"
                        + JsonResponses.quote(settings.event())
                        + ",\"windowMs\":"
                        + settings.windowsMs().get(0)
                        + ",\"historyPath\":"
                        + (historyPath == null ? "null" : JsonResponses.quote(historyPath))
                        + "}";

        ResourceFactory resources = ResourceFactory.of(this);
        MimeTypes.Mutable types = new MimeTypes.Mutable(MimeTypes.DEFAULTS);
        types.addMimeMapping("html", "text/html;charset=utf-8");
        types.addMimeMapping("js", "text/javascript;charset=utf-8");
        types.addMimeMapping("css", "text/css;charset=utf-8");
        types.addMimeMapping("map", "application/json");

        PathMappingsHandler paths = new PathMappingsHandler();
        paths.addMapping(PathSpec.from(CONFIG_PATH), new ConfigHandler());
        paths.addMapping(
                PathSpec.from(UPLOT_PATH + "/*"),
                files(resources.newClassLoaderResource(uplotRoot()), types));
        paths.addMapping(PathSpec.from("/"), files(resources.newClassLoaderResource(FILES), types));
        setHandler(paths);
    }

    /** The page's settings, as served at {@value #CONFIG_PATH}. */
    public String configJson() {
        return configJson;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
            JsonResponses.error(
                    response,
                    callback,
                    HttpStatus.METHOD_NOT_ALLOWED_405,
                    "Only GET and HEAD: " + method);
            return true;
        }
        if (super.handle(request, response, callback)) {
            return true;
        }
        JsonResponses.error(
                response,
                callback,
                HttpStatus.NOT_FOUND_404,
                "Not found: " + Request.getPathInContext(request));
        return true;
    }

    private static ResourceHandler files(Resource base, MimeTypes types) {
        if (base == null) {
            throw new IllegalStateException("dashboard files missing from the classpath");
        }
        ResourceHandler files =
                new ResourceHandler() {
                    // doStart takes the context's types (no charsets); the files are UTF-8, so say
                    // so
                    @Override
                    public MimeTypes getMimeTypes() {
                        return types;
                    }
                };
        files.setBaseResource(base);
        files.setDirAllowed(false);
        files.setWelcomeFiles("index.html");
        files.setCacheControl("no-cache");
        files.setUseFileMapping(false);
        return files;
    }

    /**
     * The webjar's folder, for the version on the classpath (from the webjar's own pom.properties).
     */
    private static String uplotRoot() {
        Properties pom = new Properties();
        try (InputStream in =
                DashboardHandler.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
            if (in == null) {
                throw new IllegalStateException(
                        "uPlot's webjar (org.webjars.npm:uplot) is not on the classpath");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "META-INF/resources/webjars/uplot/" + pom.getProperty("version") + "/";
    }

    /** {@value #CONFIG_PATH}: the app key, channel, event name, window and history path. */
    private final class ConfigHandler extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            JsonResponses.json(response, callback, HttpStatus.OK_200, configJson);
            return true;
        }
    }
}
