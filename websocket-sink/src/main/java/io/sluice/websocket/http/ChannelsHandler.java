package io.sluice.websocket.http;

import io.sluice.websocket.app.App;
import io.sluice.websocket.channel.ChannelNames;
import io.sluice.websocket.cluster.ClusterChannels;

import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;
import java.util.Objects;

/**
 * The Pusher HTTP API's queries, mounted at {@code /apps/*}, answered for the whole cluster: {@code
 * GET /apps/{id}/channels} (with {@code filter_by_prefix} and {@code info}), {@code
 * /channels/{name}} ({@code occupied}, and the {@code info} asked for) and {@code
 * /channels/{name}/users}. Answers: 200; 400 bad name or info; 401; 404; 405 not GET; 429 over the
 * app's queries per second; 503 Redis away.
 */
public final class ChannelsHandler extends Handler.Abstract {
    private final ApiRequests requests;
    private final ChannelInfo info;

    public ChannelsHandler(ApiRequests requests, ClusterChannels cluster) {
        this.requests = Objects.requireNonNull(requests, "requests");
        this.info = new ChannelInfo(cluster.state());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        // /{app_id}/channels[/{name}[/users]]
        String[] parts = Request.getPathInContext(request).split("/");
        boolean users = parts.length == 5 && parts[4].equals("users");
        if (parts.length < 3 || parts.length > 5 || !parts[2].equals("channels")) {
            return false;
        }
        if (parts.length == 5 && !users) {
            return false;
        }
        if (!HttpMethod.GET.is(request.getMethod())) {
            return requests.answer(
                    response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "Use GET");
        }
        ApiRequests.Accepted accepted = requests.accept(parts[1], request, response, callback, 0);
        if (accepted == null) {
            return true;
        }
        App app = accepted.app();
        if (requests.overLimit(app, "reads", 1, app.maxReadRequestsPerSecond())) {
            return requests.answer(
                    response,
                    callback,
                    HttpStatus.TOO_MANY_REQUESTS_429,
                    "Over the app's limit of "
                            + app.maxReadRequestsPerSecond()
                            + " queries per second");
        }
        try {
            List<String> fields = ChannelInfo.fields(accepted.params().getOrDefault("info", ""));
            String answer;
            if (parts.length == 3) {
                answer =
                        info.list(app, accepted.params().get("filter_by_prefix"), fields)
                                .toString();
            } else {
                String channel = parts[3];
                if (!ChannelNames.isValid(channel)) {
                    throw new IllegalArgumentException("Invalid channel name: '" + channel + "'");
                }
                answer =
                        users
                                ? info.users(app, channel).toString()
                                : info.one(app, channel, fields).toString();
            }
            return requests.ok(response, callback, answer);
        } catch (IllegalArgumentException e) {
            return requests.answer(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
        } catch (RuntimeException e) {
            return requests.answer(
                    response,
                    callback,
                    HttpStatus.SERVICE_UNAVAILABLE_503,
                    "Redis is unavailable: " + e.getMessage());
        }
    }
}
