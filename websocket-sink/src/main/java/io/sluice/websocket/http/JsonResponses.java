package io.sluice.websocket.http;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

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
  public static void write(Response response, Callback callback, int status, String contentType, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType + "; charset=utf-8");
    response.write(true, BufferUtil.toBuffer(body, StandardCharsets.UTF_8), callback);
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
