package io.sluice.websocket.http;

import io.sluice.websocket.cluster.ClusterChannels;

import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Objects;

/**
 * {@code POST /apps/{id}/users/{user_id}/terminate_connections}, mounted at {@code /apps/*}: every
 * connection of the user (signed in, or a member of a presence channel), on every instance, closes
 * with 4009. Answers: 200 {@code {}}; 401; 404; 405 not POST; 503 Redis away.
 */
public final class UsersHandler extends Handler.Abstract {
    static final int MAX_BODY_BYTES = 1024;
    private final ApiRequests requests;
    private final ClusterChannels cluster;

    public UsersHandler(ApiRequests requests, ClusterChannels cluster) {
        this.requests = Objects.requireNonNull(requests, "requests");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        // /{app_id}/users/{user_id}/terminate_connections
        String[] parts = Request.getPathInContext(request).split("/");
        if (parts.length != 5
                || !parts[2].equals("users")
                || !parts[4].equals("terminate_connections")) {
            return false;
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            return requests.answer(
                    response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "Use POST");
        }
        ApiRequests.Accepted accepted =
                requests.accept(parts[1], request, response, callback, MAX_BODY_BYTES);
        if (accepted == null) {
            return true;
        }
        try {
            cluster.terminate(accepted.app(), parts[3]);
        } catch (RuntimeException e) {
            return requests.answer(
                    response,
                    callback,
                    HttpStatus.SERVICE_UNAVAILABLE_503,
                    "Redis is unavailable: " + e.getMessage());
        }
        return requests.ok(response, callback, "{}");
    }
}
