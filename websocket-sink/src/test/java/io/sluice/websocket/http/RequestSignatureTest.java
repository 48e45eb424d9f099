package io.sluice.websocket.http;

import io.sluice.websocket.protocol.Signatures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API's request signature against the http_api vector of pusher-auth.json. */
class RequestSignatureTest {
    private static JsonNode app;
    private static JsonNode vector;
    private static long timestamp;

    @BeforeAll
    static void readVector() throws Exception {
        try (InputStream in = RequestSignatureTest.class.getResourceAsStream("/pusher-auth.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            app = root.get("app");
            vector = root.get("http_api");
        }
        timestamp = Long.parseLong(params().get("auth_timestamp"));
    }

    /** The vector's query parameters, without auth_signature. */
    private static Map<String, String> params() {
        Map<String, String> params = new HashMap<>();
        for (String pair : vector.get("query_without_signature").asText().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return params;
    }

    private static Map<String, String> signedParams() {
        Map<String, String> params = params();
        params.put("auth_signature", vector.get("auth_signature").asText());
        return params;
    }

    private static RequestSignature signature() {
        return new RequestSignature(
                app.get("key").asText(), new Signatures(app.get("secret").asText()));
    }

    private static byte[] body() {
        return vector.get("body").asText().getBytes(StandardCharsets.UTF_8);
    }

    private static String method() {
        return vector.get("method").asText();
    }

    private static String path() {
        return vector.get("path").asText();
    }

    @Test
    void stringToSignIsTheVectors() {
        assertThat(RequestSignature.stringToSign(method(), path(), params()))
                .isEqualTo(vector.get("string_to_sign").asText());
    }

    @Test
    void stringToSignLeavesOutTheSignatureAndLowerCasesAndSortsTheKeys() {
        Map<String, String> shuffled = new HashMap<>();
        params().forEach((k, v) -> shuffled.put(k.toUpperCase(java.util.Locale.ROOT), v));
        shuffled.put("auth_signature", "anything");

        assertThat(RequestSignature.stringToSign(method(), path(), shuffled))
                .isEqualTo(vector.get("string_to_sign").asText());
    }

    @Test
    void signatureOfTheStringToSignIsTheVectors() {
        assertThat(
                        new Signatures(app.get("secret").asText())
                                .sign(vector.get("string_to_sign").asText()))
                .isEqualTo(vector.get("auth_signature").asText());
    }

    @Test
    void bodyMd5IsTheVectors() {
        assertThat(Signatures.md5(body())).isEqualTo(vector.get("body_md5").asText());
    }

    @Test
    void vectorsRequestIsAcceptedAtItsTimestampAndUpTo600SecondsOff() {
        assertThat(signature().problem(method(), path(), signedParams(), body(), timestamp))
                .isNull();
        assertThat(signature().problem(method(), path(), signedParams(), body(), timestamp + 600))
                .isNull();
        assertThat(signature().problem(method(), path(), signedParams(), body(), timestamp - 600))
                .isNull();
    }

    @Test
    void vectorsRequestIsRefusedMoreThan600SecondsOff() {
        assertThat(signature().problem(method(), path(), signedParams(), body(), timestamp + 601))
                .contains("Timestamp");
        assertThat(signature().problem(method(), path(), signedParams(), body(), timestamp - 601))
                .contains("Timestamp");
    }

    @Test
    void anyChangeToTheSignedRequestIsRefused() {
        Map<String, String> badSignature = signedParams();
        badSignature.put("auth_signature", vector.get("auth_signature").asText().replace('d', 'e'));
        byte[] otherBody =
                vector.get("body")
                        .asText()
                        .replace("project-3", "project-4")
                        .getBytes(StandardCharsets.UTF_8);

        assertThat(signature().problem(method(), path(), badSignature, body(), timestamp))
                .contains("signature");
        assertThat(
                        signature()
                                .problem(
                                        method(),
                                        "/apps/3/batch_events",
                                        signedParams(),
                                        body(),
                                        timestamp))
                .contains("signature");
        assertThat(signature().problem(method(), path(), signedParams(), otherBody, timestamp))
                .contains("body_md5");
        assertThat(
                        new RequestSignature(
                                        "other-key", new Signatures(app.get("secret").asText()))
                                .problem(method(), path(), signedParams(), body(), timestamp))
                .contains("auth_key");
        assertThat(
                        new RequestSignature(
                                        app.get("key").asText(), new Signatures("other-secret"))
                                .problem(method(), path(), signedParams(), body(), timestamp))
                .contains("signature");
    }
}
