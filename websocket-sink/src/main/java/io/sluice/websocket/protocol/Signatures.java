package io.sluice.websocket.protocol;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The protocol's signatures: HMAC-SHA256 with the app secret, in lower-case hex, for private
 * channels ({@code socket_id:channel}) and for HTTP API requests; and the body MD5 of the latter.
 * Thread-safe.
 */
public final class Signatures {
    private static final HexFormat HEX = HexFormat.of();
    private final SecretKeySpec key;

    public Signatures(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** HMAC-SHA256 of the text, lower-case hex. */
    public String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HEX.formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    /** The signature a private channel's subscription needs (without the {@code key:} in front). */
    public String channelSignature(String socketId, String channel) {
        return sign(socketId + ":" + channel);
    }

    /** Compares two signatures in time that does not depend on where they differ. */
    public static boolean matches(String expected, String given) {
        return given != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII),
                        given.getBytes(StandardCharsets.US_ASCII));
    }

    /** MD5 of a request body, lower-case hex, as {@code body_md5}. */
    public static String md5(byte[] body) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every JVM", e);
        }
    }
}
