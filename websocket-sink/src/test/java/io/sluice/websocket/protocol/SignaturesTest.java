package io.sluice.websocket.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Private-channel signatures against the private_channel vector of pusher-auth.json. */
class SignaturesTest {
    private static JsonNode root;
    private static Signatures signatures;
    private static String key;

    @BeforeAll
    static void readVectors() throws Exception {
        try (InputStream in = SignaturesTest.class.getResourceAsStream("/pusher-auth.json")) {
            root = new ObjectMapper().readTree(in);
        }
        key = root.at("/app/key").asText();
        signatures = new Signatures(root.at("/app/secret").asText());
    }

    @Test
    void privateChannelAuthIsTheVectors() {
        JsonNode v = root.get("private_channel");

        String signature =
                signatures.channelSignature(v.get("socket_id").asText(), v.get("channel").asText());

        assertThat(key + ":" + signature).isEqualTo(v.get("auth").asText());
    }

    @Test
    void privateChannelSignsSocketIdColonChannel() {
        JsonNode v = root.get("private_channel");

        assertThat(signatures.sign(v.get("string_to_sign").asText()))
                .isEqualTo(
                        signatures.channelSignature(
                                v.get("socket_id").asText(), v.get("channel").asText()));
    }

    @Test
    void presenceChannelStringSignsToTheVectors() {
        JsonNode v = root.get("presence_channel");

        assertThat(key + ":" + signatures.sign(v.get("string_to_sign").asText()))
                .isEqualTo(v.get("auth").asText());
    }

    @Test
    void anotherSocketIdOrChannelSignsDifferently() {
        JsonNode v = root.get("private_channel");
        String expected = v.get("auth").asText().substring(key.length() + 1);

        assertThat(signatures.channelSignature("1234.1235", v.get("channel").asText()))
                .isNotEqualTo(expected);
        assertThat(signatures.channelSignature(v.get("socket_id").asText(), "private-foobaz"))
                .isNotEqualTo(expected);
        assertThat(
                        new Signatures("other")
                                .channelSignature(
                                        v.get("socket_id").asText(), v.get("channel").asText()))
                .isNotEqualTo(expected);
    }

    @Test
    void matchesOnlyTheSameSignature() {
        String signature =
                root.get("private_channel").get("auth").asText().substring(key.length() + 1);

        assertThat(Signatures.matches(signature, signature)).isTrue();
        assertThat(Signatures.matches(signature, signature.toUpperCase(java.util.Locale.ROOT)))
                .isFalse();
        assertThat(Signatures.matches(signature, signature.substring(1))).isFalse();
        assertThat(Signatures.matches(signature, "")).isFalse();
        assertThat(Signatures.matches(signature, null)).isFalse();
    }
}
