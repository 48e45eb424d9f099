package io.sluice.websocket.http;

import io.sluice.websocket.app.App;
import io.sluice.websocket.app.Apps;
import io.sluice.websocket.metrics.SinkMetrics;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What every endpoint of the Pusher HTTP API checks first, in one place: the app of the path's id
 * (404), the body's size (413), and the request's signature over method, path and query (401). Each
 * answer is counted in the metrics by status.
 */
public final class ApiRequests {
    private final Apps apps;
    private final SinkMetrics metrics;
    private final LongSupplier clockSeconds;
    private final Map<String, long[]> rates = new java.util.concurrent.ConcurrentHashMap<>();

    /** A request that passed: its app, its body (empty for a GET) and its query parameters. */
    public record Accepted(App app, byte[] body, Map<String, String> params) {}

    public ApiRequests(Apps apps, SinkMetrics metrics, LongSupplier clockSeconds) {
        this.apps = Objects.requireNonNull(apps, "apps");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clockSeconds = Objects.requireNonNull(clockSeconds, "clockSeconds");
    }

    /** The apps served, for handlers that need more than the request's own. */
    public Apps apps() {
        return apps;
    }

    /**
     * Reads and checks a request to the app {@code appId}; null when it failed, after answering it.
     */
    public Accepted accept(
            String appId, Request request, Response response, Callback callback, int maxBodyBytes)
            throws Exception {
        App app = apps.byId(appId);
        if (app == null) {
            answer(response, callback, HttpStatus.NOT_FOUND_404, "Unknown app id " + appId);
            return null;
        }
        if (request.getLength() > maxBodyBytes) {
            answer(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, tooBig(maxBodyBytes));
            return null;
        }
        ByteBuffer buffer = Content.Source.asByteBuffer(request);
        if (buffer.remaining() > maxBodyBytes) {
            answer(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, tooBig(maxBodyBytes));
            return null;
        }
        byte[] body = BufferUtil.toArray(buffer);
        Map<String, String> params = new HashMap<>();
        for (Fields.Field f : Request.extractQueryParameters(request)) {
            params.put(f.getName(), f.getValue());
        }
        String problem =
                new RequestSignature(app.key(), app.signatures())
                        .problem(
                                request.getMethod(),
                                request.getHttpURI().getPath(),
                                params,
                                body,
                                clockSeconds.getAsLong());
        if (problem != null) {
            metrics.error("http-auth");
            answer(response, callback, HttpStatus.UNAUTHORIZED_401, problem);
            return null;
        }
        return new Accepted(app, body, params);
    }

    /**
     * Counts {@code n} against an app's limit per second (-1 for none) of this instance; true when
     * they go over it, so the request gets 429.
     *
     * @param kind what is counted: "events" or "reads"
     * @param max the app's limit of that kind
     */
    public boolean overLimit(App app, String kind, int n, int max) {
        if (max < 0) {
            return false;
        }
        long second = clockSeconds.getAsLong();
        long[] window = rates.computeIfAbsent(app.id() + '\n' + max, k -> new long[2]);
        synchronized (window) {
            if (window[0] != second) {
                window[0] = second;
                window[1] = 0;
            }
            if (window[1] + n > max) {
                metrics.error("http-rate-limit");
                return true;
            }
            window[1] += n;
            return false;
        }
    }

    private static String tooBig(int maxBodyBytes) {
        return "Request body over " + maxBodyBytes + " bytes";
    }

    /** Answers {@code {"error": message}} with the status, counted; true, as a handler returns. */
    public boolean answer(Response response, Callback callback, int status, String message) {
        metrics.httpStatus(status);
        JsonResponses.error(response, callback, status, message);
        return true;
    }

    /** Answers a JSON body with 200, counted; true, as a handler returns. */
    public boolean ok(Response response, Callback callback, String json) {
        metrics.httpStatus(HttpStatus.OK_200);
        JsonResponses.json(response, callback, HttpStatus.OK_200, json);
        return true;
    }
}
