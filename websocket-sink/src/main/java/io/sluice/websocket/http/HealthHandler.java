package io.sluice.websocket.http;

import io.sluice.websocket.broker.Broker;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * {@code GET /health}: 200 when the service is up and the broker (Redis) answers and its
 * subscription is connected, else 503; the body says which part is down.
 */
public final class HealthHandler extends Handler.Abstract {
    private final Broker broker;
    private final IntSupplier connections;

    public HealthHandler(Broker broker, IntSupplier connections) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        boolean redis = broker.ping() && broker.isConnected();
        String body =
                "{\"status\":\""
                        + (redis ? "UP" : "DOWN")
                        + "\",\"redis\":\""
                        + (redis ? "UP" : "DOWN")
                        + "\",\"connections\":"
                        + connections.getAsInt()
                        + "}";
        JsonResponses.json(
                response,
                callback,
                redis ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
                body);
        return true;
    }
}
