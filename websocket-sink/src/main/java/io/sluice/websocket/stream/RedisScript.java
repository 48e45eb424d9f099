package io.sluice.websocket.stream;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), so each call sends a few dozen bytes instead of
 * the script's text: under a connect flood the text's encoding was a fifth of the bytes the server
 * allocated (issue 11). A Redis that does not know the script (restarted, flushed) gets the text
 * once through {@code EVAL}, which also caches it there.
 */
final class RedisScript {
    private final String body;
    private final String sha1;

    RedisScript(String body) {
        this.body = Objects.requireNonNull(body, "body");
        this.sha1 = sha1Hex(body);
    }

    Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(body, keys, args);
        }
    }

    /** The SHA-1 by which Redis knows the script. */
    String sha1() {
        return sha1;
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-1")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
