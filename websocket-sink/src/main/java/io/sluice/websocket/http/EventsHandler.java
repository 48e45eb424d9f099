package io.sluice.websocket.http;

import io.sluice.websocket.app.App;
import io.sluice.websocket.broker.EventEntry;
import io.sluice.websocket.channel.ChannelNames;
import io.sluice.websocket.cluster.ClusterChannels;
import io.sluice.websocket.metrics.SinkMetrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Pusher HTTP API's publishing endpoints, mounted at {@code /apps/*}: {@code POST
 * /apps/{app_id}/events} and {@code /batch_events}, so a web app's pusher broadcaster or an
 * official server SDK publishes through this service as through Soketi.
 *
 * <p>An accepted event is published to the broker's events stream, which every instance reads, so
 * clients of all instances get it; a cache channel keeps it as its last event. {@code /events}
 * takes Pusher's {@code info} ({@code subscription_count}, {@code user_count}) and answers with the
 * channels' counts. Answers: 200 {@code {}}; 400 bad body; 401 bad signature; 404 unknown app; 405
 * not POST; 413 data over the app's most or body too big; 429 over the app's events per second; 503
 * Redis away.
 */
public final class EventsHandler extends Handler.Abstract {
    static final int MAX_DATA_BYTES = 100 * 1024; // the most an app may allow per event
    static final int MAX_CHANNELS = 100;
    static final int MAX_BATCH = 10;
    static final int MAX_NAME_CHARS = 200;
    static final int MAX_BODY_BYTES = MAX_BATCH * (MAX_DATA_BYTES + 20 * 1024);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ApiRequests requests;
    private final ClusterChannels cluster;
    private final SinkMetrics metrics;

    public EventsHandler(ApiRequests requests, ClusterChannels cluster, SinkMetrics metrics) {
        this.requests = Objects.requireNonNull(requests, "requests");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        // Mounted at /apps/*: the path within is /{app_id}/events; the signature covers the full
        // path.
        String[] parts = Request.getPathInContext(request).split("/");
        if (parts.length != 3 || !(parts[2].equals("events") || parts[2].equals("batch_events"))) {
            return false;
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            return answer(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "Use POST");
        }
        ApiRequests.Accepted accepted =
                requests.accept(parts[1], request, response, callback, MAX_BODY_BYTES);
        if (accepted == null) {
            return true;
        }
        App app = accepted.app();
        byte[] body = accepted.body();
        List<EventEntry> events;
        List<String> info = List.of();
        try {
            JsonNode root = root(body);
            if (parts[2].equals("events")) {
                events = List.of(event(app, root));
                info = ChannelInfo.fields(root.path("info").asText(""));
                ChannelInfo.requirePresence(events.get(0).channels(), info);
            } else {
                events = batch(app, root);
            }
        } catch (BadRequest e) {
            metrics.error("http-bad-request");
            return answer(response, callback, e.status, e.getMessage());
        } catch (IllegalArgumentException e) {
            metrics.error("http-bad-request");
            return answer(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
        }
        if (requests.overLimit(app, "events", events.size(), app.maxBackendEventsPerSecond())) {
            return answer(
                    response,
                    callback,
                    HttpStatus.TOO_MANY_REQUESTS_429,
                    "Over the app's limit of "
                            + app.maxBackendEventsPerSecond()
                            + " events per second");
        }
        try {
            for (EventEntry e : events) {
                cluster.publish(e);
                metrics.httpEvent();
            }
            if (info.isEmpty()) {
                return requests.ok(response, callback, "{}");
            }
            ChannelInfo channelInfo = new ChannelInfo(cluster.state());
            return requests.ok(
                    response,
                    callback,
                    channelInfo.ofEvent(app, events.get(0).channels(), info).toString());
        } catch (RuntimeException e) {
            return answer(
                    response,
                    callback,
                    HttpStatus.SERVICE_UNAVAILABLE_503,
                    "Redis is unavailable: " + e.getMessage());
        }
    }

    private boolean answer(Response response, Callback callback, int status, String message) {
        return requests.answer(response, callback, status, message);
    }

    private static JsonNode root(byte[] body) throws BadRequest {
        try {
            JsonNode root = MAPPER.readTree(body);
            if (root == null || !root.isObject()) {
                throw new BadRequest(400, "The body must be a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new BadRequest(400, "The body is not JSON");
        }
    }

    private static List<EventEntry> batch(App app, JsonNode root) throws BadRequest {
        JsonNode batch = root.get("batch");
        if (batch == null || !batch.isArray() || batch.isEmpty()) {
            throw new BadRequest(400, "batch must be a non-empty array of events");
        }
        if (batch.size() > MAX_BATCH) {
            throw new BadRequest(400, "A batch holds at most " + MAX_BATCH + " events");
        }
        List<EventEntry> events = new ArrayList<>();
        for (JsonNode e : batch) {
            if (!e.isObject()) {
                throw new BadRequest(400, "Each batch item must be an event object");
            }
            events.add(event(app, e));
        }
        return events;
    }

    private static EventEntry event(App app, JsonNode e) throws BadRequest {
        JsonNode name = e.get("name");
        if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
            throw new BadRequest(400, "name is required");
        }
        if (name.textValue().length() > MAX_NAME_CHARS) {
            throw new BadRequest(400, "name is longer than " + MAX_NAME_CHARS + " characters");
        }
        List<String> channels = new ArrayList<>();
        JsonNode list = e.get("channels");
        JsonNode one = e.get("channel");
        if (list != null && list.isArray()) {
            list.forEach(c -> channels.add(c.isTextual() ? c.textValue() : ""));
        } else if (one != null && one.isTextual()) {
            channels.add(one.textValue());
        }
        if (channels.isEmpty() || channels.size() > MAX_CHANNELS) {
            throw new BadRequest(400, "channels must hold 1 to " + MAX_CHANNELS + " channel names");
        }
        for (String c : channels) {
            String bare =
                    c.startsWith(ChannelNames.USER_CHANNEL_PREFIX)
                            ? c.substring(ChannelNames.USER_CHANNEL_PREFIX.length())
                            : c;
            if (!ChannelNames.isValid(bare)) {
                throw new BadRequest(400, "Invalid channel name: '" + c + "'");
            }
        }
        JsonNode dataNode = e.get("data");
        if (dataNode == null || dataNode.isNull()) {
            throw new BadRequest(400, "data is required");
        }
        String data = dataNode.isTextual() ? dataNode.textValue() : dataNode.toString();
        if (data.getBytes(StandardCharsets.UTF_8).length > app.maxEventPayloadBytes()) {
            throw new BadRequest(413, "data is over " + app.maxEventPayloadBytes() + " bytes");
        }
        JsonNode socket = e.get("socket_id");
        return new EventEntry(
                app.id(),
                channels,
                name.textValue(),
                data,
                socket != null && socket.isTextual() ? socket.textValue() : null);
    }

    /** A client error with its status. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
