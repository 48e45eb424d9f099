package io.sluice.reading;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What is ReadingCodec's own; the contract's decoding tests are in {@link ReadingsContract}. */
class ReadingCodecTest {
    private static final long BEGINNING = 1_795_735_268_123L;
    private final ReadingCodec codec = ReadingCodec.withDefaults();

    @Test
    void encodesTheCanonicalForm() {
        Reading r =
                new Reading("plant1.area3.pump07.pressure", BEGINNING, -12.5, Quality.UNCERTAIN);
        assertThat(new String(codec.encode(r), StandardCharsets.US_ASCII))
                .isEqualTo(
                        "{\"tag\":\"plant1.area3.pump07.pressure\",\"ts\":1795735268123,"
                                + "\"value\":-12.5,\"quality\":\"uncertain\"}");
    }

    @Test
    void returnsTheSameTagInstanceForRepeatedTags() {
        Reading first = new Reading();
        Reading second = new Reading();
        byte[] record =
                ("{\"tag\":\"plant1.area3.pump07.pressure\",\"ts\":" + BEGINNING + ",\"value\":1}")
                        .getBytes(StandardCharsets.US_ASCII);
        codec.decode(record, first);
        codec.decode(record.clone(), second);
        assertThat(second.tag).isSameAs(first.tag);
    }

    @Test
    void numbersTagsInTheOrderTheyAreFirstSeenOnBothPaths() {
        int[] ids = new int[4];
        String[] tags = {"a.one", "a.two", "a.one", "a.three"};
        for (int i = 0; i < tags.length; i++) {
            // The canonical form takes the scan, the spaced one Jackson: both number alike.
            String json =
                    i % 2 == 0
                            ? "{\"tag\":\""
                                    + tags[i]
                                    + "\",\"ts\":"
                                    + BEGINNING
                                    + ",\"value\":1,\"quality\":\"good\"}"
                            : "{ \"tag\": \""
                                    + tags[i]
                                    + "\", \"ts\": "
                                    + BEGINNING
                                    + ", \"value\": 1 }";
            assertThat(codec.decode(json.getBytes(StandardCharsets.US_ASCII), new Reading()))
                    .isNull();
            ids[i] = codec.lastTagId();
        }
        assertThat(ids).containsExactly(0, 1, 0, 2);
    }

    @Test
    void validatesTagsByTheContractRule() {
        assertThat(ReadingCodec.isValidTag("plant1.area3.pump07.pressure")).isTrue();
        assertThat(ReadingCodec.isValidTag("TT-101")).isTrue();
        assertThat(ReadingCodec.isValidTag("a..b")).isFalse();
        assertThat(ReadingCodec.isValidTag(".a")).isFalse();
        assertThat(ReadingCodec.isValidTag("a.")).isFalse();
        assertThat(ReadingCodec.isValidTag("é.b")).isFalse();
        assertThat(ReadingCodec.isValidTag("a".repeat(65))).isFalse();
        assertThat(ReadingCodec.isValidTag("a".repeat(64))).isTrue();
    }

    @Test
    void mapsOpcUaSeverityBitsToQuality() {
        assertThat(Quality.ofOpcUaStatus(0)).isEqualTo(Quality.GOOD);
        assertThat(Quality.ofOpcUaStatus(0x4000_0000L)).isEqualTo(Quality.UNCERTAIN);
        assertThat(Quality.ofOpcUaStatus(0x8000_0000L)).isEqualTo(Quality.BAD);
        assertThat(Quality.ofOpcUaStatus(0xC000_0000L)).isEqualTo(Quality.BAD);
    }
}
