package io.sluice.websocket.http;

import io.sluice.websocket.metrics.SinkMetrics;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Objects;

/** {@code GET /metrics}: the Prometheus text format. */
public final class MetricsHandler extends Handler.Abstract {
    private final SinkMetrics metrics;

    public MetricsHandler(SinkMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        JsonResponses.write(
                response,
                callback,
                HttpStatus.OK_200,
                "text/plain; version=0.0.4",
                metrics.scrape());
        return true;
    }
}
