package io.sluice.websocket.http;

import io.sluice.websocket.protocol.Signatures;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The Pusher HTTP API's request signature: HMAC-SHA256 of {@code METHOD\nPATH\nQUERY}, where QUERY
 * is every parameter but auth_signature, keys lower-cased and sorted, joined as key=value with '&',
 * not escaped. The timestamp must be within 600 s of the server's clock, and the body's MD5 must
 * match.
 */
public final class RequestSignature {
    static final long MAX_SKEW_SECONDS = 600;

    private final String appKey;
    private final Signatures signatures;

    public RequestSignature(String appKey, Signatures signatures) {
        this.appKey = Objects.requireNonNull(appKey, "appKey");
        this.signatures = Objects.requireNonNull(signatures, "signatures");
    }

    /** The text that is signed. */
    static String stringToSign(String method, String path, Map<String, String> params) {
        TreeMap<String, String> sorted = new TreeMap<>();
        params.forEach(
                (k, v) -> {
                    String key = k.toLowerCase(java.util.Locale.ROOT);
                    if (!key.equals("auth_signature")) {
                        sorted.put(key, v);
                    }
                });
        StringBuilder q = new StringBuilder();
        sorted.forEach(
                (k, v) -> q.append(q.length() == 0 ? "" : "&").append(k).append('=').append(v));
        return method + "\n" + path + "\n" + q;
    }

    /**
     * Checks a request; returns null when it is good, else why not (answered with 401).
     *
     * @param params the decoded query parameters
     */
    public String problem(
            String method, String path, Map<String, String> params, byte[] body, long nowSeconds) {
        if (!appKey.equals(params.get("auth_key"))) {
            return "Unknown auth_key";
        }
        if (!"1.0".equals(params.get("auth_version"))) {
            return "auth_version must be 1.0";
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(params.getOrDefault("auth_timestamp", ""));
        } catch (NumberFormatException e) {
            return "auth_timestamp must be seconds since the epoch";
        }
        if (Math.abs(nowSeconds - timestamp) > MAX_SKEW_SECONDS) {
            return "Timestamp expired: auth_timestamp is more than "
                    + MAX_SKEW_SECONDS
                    + " s from the server's time";
        }
        if (body.length > 0 && !Signatures.md5(body).equals(params.get("body_md5"))) {
            return "body_md5 does not match the body";
        }
        String expected = signatures.sign(stringToSign(method, path, params));
        if (!Signatures.matches(expected, params.get("auth_signature"))) {
            return "Invalid signature: expected HMAC SHA256 hex digest of "
                    + stringToSign(method, path, params).replace("\n", "\\n");
        }
        return null;
    }
}
