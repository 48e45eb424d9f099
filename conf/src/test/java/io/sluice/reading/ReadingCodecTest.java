package io.sluice.reading;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

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
    void everyDoubleRoundTripsToTheSameBits() {
        SplittableRandom random = new SplittableRandom(7);
        Reading in = new Reading("a.b", BEGINNING, 0, Quality.GOOD);
        Reading out = new Reading();
        double[] specials = {
            0.0,
            -0.0,
            Double.MIN_VALUE,
            -Double.MAX_VALUE,
            1e-300,
            123456789012.345,
            0.1,
            0.2,
            0.30000000000000004,
            9007199254740993.0,
            1e22,
            1e23,
            5e-324
        };
        for (double v : specials) {
            assertRoundTrip(in, out, v);
        }
        for (int i = 0; i < 200_000; i++) {
            double v;
            switch (i % 3) {
                case 0:
                    v = Math.round(random.nextDouble(-1e6, 1e6) * 1000) / 1000.0; // SCADA-like
                    break;
                case 1:
                    v = random.nextDouble(-1e3, 1e3);
                    break;
                default:
                    v = Double.longBitsToDouble(random.nextLong());
                    if (!Double.isFinite(v)) {
                        continue;
                    }
            }
            assertRoundTrip(in, out, v);
        }
    }

    @Test
    void parsesDecimalTextExactlyAsDoubleParseDouble() {
        SplittableRandom random = new SplittableRandom(11);
        Reading out = new Reading();
        for (int i = 0; i < 100_000; i++) {
            String mantissa = Long.toString(random.nextLong(1, Long.MAX_VALUE));
            mantissa = mantissa.substring(0, 1 + random.nextInt(mantissa.length()));
            int point = random.nextInt(mantissa.length() + 1);
            String text =
                    point == mantissa.length()
                            ? mantissa
                            : mantissa.substring(0, point == 0 ? 1 : point)
                                    + "."
                                    + mantissa.substring(point == 0 ? 1 : point);
            if (text.endsWith(".")) {
                text = text.substring(0, text.length() - 1);
            }
            if (random.nextBoolean()) {
                text = text + "e" + (random.nextInt(60) - 30);
            }
            if (random.nextBoolean()) {
                text = "-" + text;
            }
            String json = "{\"tag\":\"a.b\",\"ts\":" + BEGINNING + ",\"value\":" + text + "}";
            Rejection rejection = codec.decode(json.getBytes(StandardCharsets.US_ASCII), out);
            assertThat(rejection).as(json).isNull();
            assertThat(out.value).as(text).isEqualTo(Double.parseDouble(text));
        }
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
    void decodesARecordInsideALargerBuffer() {
        byte[] record =
                ("xx{\"tag\":\"a.b\",\"ts\":" + BEGINNING + ",\"value\":2.5}yy")
                        .getBytes(StandardCharsets.US_ASCII);
        Reading out = new Reading();
        assertThat(codec.decode(record, 2, record.length - 4, out)).isNull();
        assertThat(out).isEqualTo(new Reading("a.b", BEGINNING, 2.5, Quality.GOOD));
    }

    @Test
    void reportsBrokenJsonBeforeAFieldProblem() {
        byte[] record = "{\"tag\":\"bad tag\",\"ts\":1,".getBytes(StandardCharsets.US_ASCII);
        assertThat(codec.decode(record, new Reading()).reason()).isEqualTo(RejectReason.NOT_JSON);
    }

    @Test
    void rejectsDeepNestingAsNotJson() {
        String deep = "[".repeat(100) + "]".repeat(100);
        byte[] record =
                ("{\"tag\":\"a.b\",\"x\":" + deep + "}").getBytes(StandardCharsets.US_ASCII);
        assertThat(codec.decode(record, new Reading()).reason()).isEqualTo(RejectReason.NOT_JSON);
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

    private void assertRoundTrip(Reading in, Reading out, double v) {
        in.value = v;
        byte[] bytes = codec.encode(in);
        assertThat(codec.decode(bytes, out)).as("%s", v).isNull();
        assertThat(Double.doubleToRawLongBits(out.value))
                .as("%s encoded as %s", v, new String(bytes, StandardCharsets.US_ASCII))
                .isEqualTo(Double.doubleToRawLongBits(v));
    }
}
