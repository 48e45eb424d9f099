package io.sluice.websocket.history;

import io.sluice.websocket.http.JsonResponses;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /api/history}: stored windows of a tag or a tag prefix, raw or rolled up, as JSON or
 * CSV (websocket-sink/docs/history-api.md).
 *
 * <p>A plain (blocking) {@link Handler.Abstract}: the query waits on JDBC, so Jetty must call it on
 * a pool thread, never on a selector. It ignores its path, which the parent {@code
 * PathMappingsHandler} chooses. Bad parameters get 400, an unreachable database 503, each with
 * {@code {"error": "..."}}.
 */
public final class HistoryHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryHandler.class);

    /** Response header saying whether the rows were cut at the limit (CSV has no room for it). */
    public static final String TRUNCATED_HEADER = "X-History-Truncated";

    private final HistoryRepository repository;
    private final HistorySettings settings;
    private final AtomicBoolean databaseDown = new AtomicBoolean();

    /**
     * @param repository reads the windows (over {@link HistoryDataSource#create}'s pool, which the
     *     caller closes when the service stops)
     * @param settings the limits a request is checked against
     */
    public HistoryHandler(HistoryRepository repository, HistorySettings settings) {
        this.repository = requireNonNull(repository, "repository");
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, HttpMethod.GET.asString());
            send(
                    response,
                    callback,
                    HttpStatus.METHOD_NOT_ALLOWED_405,
                    "only GET is allowed on the history API");
            return true;
        }
        HistoryQuery query;
        try {
            query = HistoryQuery.parse(parameters(request), settings);
        } catch (BadHistoryQueryException e) {
            send(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
            return true;
        }
        HistoryResult result;
        try {
            result = repository.find(query);
            if (databaseDown.compareAndSet(true, false)) {
                LOG.info("History API: the database answers again");
            }
        } catch (SQLException e) {
            if (HistoryRepository.isRefusal(e)) {
                send(response, callback, HttpStatus.BAD_REQUEST_400, refusal(e));
            } else {
                failed(response, callback, e);
            }
            return true;
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, query.format().contentType());
        response.getHeaders().put(TRUNCATED_HEADER, String.valueOf(result.truncated()));
        Content.Sink.write(response, true, HistoryRenderer.render(query, result), callback);
        return true;
    }

    /** The first line of a SQL function's RAISE: what it says is wrong with its arguments. */
    private static String refusal(SQLException e) {
        String message =
                e instanceof PSQLException p && p.getServerErrorMessage() != null
                        ? p.getServerErrorMessage().getMessage()
                        : e.getMessage();
        return message == null
                ? "the query's arguments were refused"
                : message.lines().findFirst().orElse("");
    }

    private static Map<String, List<String>> parameters(Request request) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (Fields.Field field : Request.extractQueryParameters(request)) {
            parameters.put(field.getName(), field.getValues());
        }
        return parameters;
    }

    /** 503 when the database cannot be reached (logged once per outage), 500 for anything else. */
    private void failed(Response response, Callback callback, SQLException e) {
        if (isUnreachable(e)) {
            if (databaseDown.compareAndSet(false, true)) {
                LOG.warn(
                        "History API: the database is unreachable ({}); answering 503 until it is back",
                        e.getMessage());
            }
            send(
                    response,
                    callback,
                    HttpStatus.SERVICE_UNAVAILABLE_503,
                    "the history database is unreachable; try again later");
        } else {
            LOG.error("History API: query failed", e);
            send(
                    response,
                    callback,
                    HttpStatus.INTERNAL_SERVER_ERROR_500,
                    "the history query failed; see the service's log");
        }
    }

    /**
     * No connection within the pool's timeout, SQLSTATE class 08 (connection exception) or 57P (the
     * server shuts down or is still starting).
     */
    private static boolean isUnreachable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.startsWith("57P")));
    }

    private static void send(Response response, Callback callback, int status, String message) {
        JsonResponses.error(response, callback, status, message);
    }
}
