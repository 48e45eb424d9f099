package io.sluice.reading;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readings contract as tests of a decoder: the sample files of conf/samples/readings, exact
 * numbers, and the rules on broken JSON.
 *
 * <p>Each decoder of the contract has a subclass: {@link ReadingSamplesContractTest} for {@link
 * ReadingCodec}, and bench's for the Jackson streaming decoder it is measured against, so that both
 * are held to the same checks (issue 9). The canonical encoding is always {@link ReadingCodec}'s.
 */
public abstract class ReadingsContract {
    private static final long BEGINNING = 1_795_735_268_123L;

    /** What is tested: decodes {@code length} bytes from {@code offset}, as ReadingCodec does. */
    public interface Decoder {
        Rejection decode(byte[] record, int offset, int length, Reading into);
    }

    private final ReadingCodec encoder = ReadingCodec.withDefaults();

    /** A decoder with the defaults of conf/sluice.properties. */
    protected abstract Decoder decoder();

    private Rejection decode(byte[] record, Reading into) {
        return decoder().decode(record, 0, record.length, into);
    }

    static List<ReadingSample> samples() {
        return ReadingSamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decodesEachSampleAsExpected(ReadingSample sample) {
        Reading reading = new Reading();
        Rejection rejection = decode(sample.bytes(), reading);

        if (sample.accepted()) {
            assertThat(rejection).as("rejection of %s", sample.file()).isNull();
            assertThat(new String(encoder.encode(reading), StandardCharsets.UTF_8))
                    .as("canonical encoding of %s", sample.file())
                    .isEqualTo(sample.canonical());
        } else {
            assertThat(rejection).as("rejection of %s", sample.file()).isNotNull();
            assertThat(rejection.reason()).isEqualTo(sample.reason());
            assertThat(rejection.detail()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void acceptedSamplesRoundTripThroughTheCanonicalEncoding(ReadingSample sample) {
        if (!sample.accepted()) {
            return;
        }
        Reading first = new Reading();
        assertThat(decode(sample.bytes(), first)).isNull();
        byte[] canonical = encoder.encode(first);
        Reading second = new Reading();
        assertThat(decode(canonical, second)).isNull();
        assertThat(second).isEqualTo(first);
        assertThat(encoder.encode(second)).isEqualTo(canonical);
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
            Rejection rejection = decode(json.getBytes(StandardCharsets.US_ASCII), out);
            assertThat(rejection).as(json).isNull();
            assertThat(out.value).as(text).isEqualTo(Double.parseDouble(text));
        }
    }

    @Test
    void keepsTheSignOfANegativeZero() {
        Reading out = new Reading();
        byte[] record =
                ("{\"tag\":\"a.b\",\"ts\":" + BEGINNING + ",\"value\":-0}")
                        .getBytes(StandardCharsets.US_ASCII);
        assertThat(decode(record, out)).isNull();
        assertThat(Double.doubleToRawLongBits(out.value))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void decodesARecordInsideALargerBuffer() {
        byte[] record =
                ("xx{\"tag\":\"a.b\",\"ts\":" + BEGINNING + ",\"value\":2.5}yy")
                        .getBytes(StandardCharsets.US_ASCII);
        Reading out = new Reading();
        assertThat(decoder().decode(record, 2, record.length - 4, out)).isNull();
        assertThat(out).isEqualTo(new Reading("a.b", BEGINNING, 2.5, Quality.GOOD));
    }

    @Test
    void reportsBrokenJsonBeforeAFieldProblem() {
        byte[] record = "{\"tag\":\"bad tag\",\"ts\":1,".getBytes(StandardCharsets.US_ASCII);
        assertThat(decode(record, new Reading()).reason()).isEqualTo(RejectReason.NOT_JSON);
    }

    @Test
    void rejectsDeepNestingAsNotJson() {
        String deep = "[".repeat(100) + "]".repeat(100);
        byte[] record =
                ("{\"tag\":\"a.b\",\"x\":" + deep + "}").getBytes(StandardCharsets.US_ASCII);
        assertThat(decode(record, new Reading()).reason()).isEqualTo(RejectReason.NOT_JSON);
    }

    @Test
    void acceptsNestingUpToTheLimit() {
        String nested = "[".repeat(ReadingRules.MAX_DEPTH) + "]".repeat(ReadingRules.MAX_DEPTH);
        byte[] record =
                ("{\"tag\":\"a.b\",\"ts\":" + BEGINNING + ",\"value\":1,\"x\":" + nested + "}")
                        .getBytes(StandardCharsets.US_ASCII);
        assertThat(decode(record, new Reading())).isNull();
    }

    @Test
    void readsNonFiniteWordsOnlyAsTheValue() {
        assertThat(reasonOf(",\"value\":-Infinity")).isEqualTo(RejectReason.NON_FINITE_VALUE);
        assertThat(reasonOf(",\"value\":1,\"x\":NaN")).isEqualTo(RejectReason.NOT_JSON);
        assertThat(reasonOf(",\"value\":-INF")).isEqualTo(RejectReason.NOT_JSON);
        assertThat(reasonOf(",\"value\":1,\"quality\":NaN")).isEqualTo(RejectReason.NOT_JSON);
    }

    @Test
    void treatsTheEdgesOfTheGrammarAlike() {
        assertThat(reasonOf(",\"value\":1,\"quality\":-1")).isEqualTo(RejectReason.INVALID_QUALITY);
        assertThat(reasonOf(",\"value\":1,\"quality\":1.5"))
                .isEqualTo(RejectReason.INVALID_QUALITY);
        assertThat(reasonOf(",\"value\":01")).isEqualTo(RejectReason.NOT_JSON);
        assertThat(reasonOf(",\"value\":1.")).isEqualTo(RejectReason.NOT_JSON);
        assertThat(reasonOf(",\"value\":1,\"ts\":2")).isEqualTo(RejectReason.DUPLICATE_FIELD);
        assertThat(reasonOf(",\"value\":1} {}")).isEqualTo(RejectReason.NOT_JSON);
        assertThat(reasonOf(",\"value\":1" + ",\"n\":" + "9".repeat(2000)))
                .as("a number longer than Jackson's default limit")
                .isNull();
    }

    private RejectReason reasonOf(String afterTagAndTs) {
        String json = "{\"tag\":\"a.b\",\"ts\":" + BEGINNING + afterTagAndTs;
        if (!json.endsWith("}")) {
            json += "}";
        }
        Rejection rejection = decode(json.getBytes(StandardCharsets.US_ASCII), new Reading());
        return rejection == null ? null : rejection.reason();
    }

    private void assertRoundTrip(Reading in, Reading out, double v) {
        in.value = v;
        byte[] bytes = encoder.encode(in);
        assertThat(decode(bytes, out)).as("%s", v).isNull();
        assertThat(Double.doubleToRawLongBits(out.value))
                .as("%s encoded as %s", v, new String(bytes, StandardCharsets.US_ASCII))
                .isEqualTo(Double.doubleToRawLongBits(v));
    }
}
