package io.sluice.websocket.connection;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;

import java.util.List;
import java.util.Objects;

/**
 * Accepts a WebSocket upgrade on /app/{key}: checks the origin against the allow-list (403 before
 * the upgrade), turns per-message compression off (it would compress each shared frame once per
 * client) and makes the connection, which checks the key and protocol version with the protocol's
 * own close codes. On Jetty's core WebSocket API: the connection gets the core session, whose
 * frames it writes directly.
 */
public final class PusherUpgrade implements WebSocketNegotiator {
    /** The path spec the upgrade is mapped to. */
    public static final String PATH = "/app/*";

    private final ConnectionContext ctx;

    public PusherUpgrade(ConnectionContext ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    @Override
    public FrameHandler negotiate(
            ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        if (!originAllowed(request.getHeaders().get(HttpHeader.ORIGIN))) {
            ctx.metrics().error("origin");
            response.setStatus(HttpStatus.FORBIDDEN_403);
            callback.succeeded();
            return null;
        }
        response.setExtensions(List.of());
        String path = Request.getPathInContext(request);
        String key = path.substring(path.indexOf("/app/") + "/app/".length());
        Fields query = Request.extractQueryParameters(request);
        return new PusherFrameHandler(new PusherConnection(ctx, key, query.getValue("protocol")));
    }

    private boolean originAllowed(String origin) {
        var allowed = ctx.settings().allowedOrigins();
        return allowed.isEmpty()
                || allowed.contains("*")
                || (origin != null && allowed.contains(origin));
    }
}
