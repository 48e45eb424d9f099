package io.sluice.websocket.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;

/** Writes a whole response body at once, as the HTTP handlers answer. */
public final class JsonResponses {
    private JsonResponses() {}

    /** A JSON body with a status. */
    public static void json(Response response, Callback callback, int status, String body) {
        write(response, callback, status, "application/json", body);
    }

    /** {@code {"error":"..."}} with a status. */
    public static void error(Response response, Callback callback, int status, String message) {
        json(response, callback, status, "{\"error\":" + quote(message) + "}");
    }

    /** A body of any type with a status. */
    public static void write(
            Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType + "; charset=utf-8");
        response.write(true, BufferUtil.toBuffer(body, StandardCharsets.UTF_8), callback);
    }

    /** A JSON string literal, quoted and escaped by Jackson. */
    public static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }
}
