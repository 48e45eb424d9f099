package io.sluice.update;

import io.sluice.reading.Quality;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpdateCodecTest {
    private static final long START = 1795735268000L;
    private final UpdateCodec codec = UpdateCodec.withDefaults();

    @Test
    void messageRoundTripKeepsReadingValuesExactAndRoundsDerivedFigures() {
        TagUpdate tag =
                new TagUpdate(
                        "pump007.pressure",
                        START,
                        10,
                        4.102,
                        4.931,
                        4.512345678901,
                        0.25612071,
                        4.4987123,
                        4.9,
                        Quality.GOOD,
                        0);
        GroupUpdate update = new GroupUpdate("plant1.area03", 1000, START, List.of(tag));

        byte[] bytes = codec.encodeMessage(update);
        assertThat(new String(bytes, StandardCharsets.US_ASCII))
                .isEqualTo(
                        "{\"w\":1000,\"s\":1795735268000,\"t\":{\"pump007.pressure\":[10,4.102,4.931,4.51235,0.256121,4.49871,4.9,0,0]}}");

        GroupUpdate decoded = codec.decodeMessage("plant1.area03", bytes);
        assertThat(decoded.tags())
                .containsExactly(
                        new TagUpdate(
                                "pump007.pressure",
                                START,
                                10,
                                4.102,
                                4.931,
                                4.51235,
                                0.256121,
                                4.49871,
                                4.9,
                                Quality.GOOD,
                                0));
    }

    @Test
    void latestValueCarriesItsWindowStartFirst() {
        TagUpdate tag = new TagUpdate("x", START, 3, -1.5, 2, 0.5, 1.5, 0.25, 2, Quality.BAD, 7);
        byte[] bytes = codec.encodeLatest(tag);
        assertThat(new String(bytes, StandardCharsets.US_ASCII))
                .isEqualTo("[1795735268000,3,-1.5,2,0.5,1.5,0.25,2,2,7]");
        assertThat(codec.decodeLatest("x", bytes)).isEqualTo(tag);
    }

    @Test
    void figuresThatAreNotFiniteTravelAsNullAndComeBackAsNaN() {
        TagUpdate empty =
                new TagUpdate(
                        "a",
                        START,
                        0,
                        Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Quality.GOOD,
                        0);
        byte[] bytes = codec.encodeLatest(empty);
        assertThat(new String(bytes, StandardCharsets.US_ASCII))
                .isEqualTo("[1795735268000,0,null,null,null,null,null,null,0,0]");
        TagUpdate back = codec.decodeLatest("a", bytes);
        assertThat(back.min()).isNaN();
        assertThat(back.last()).isNaN();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 0",
        "4.512345678901, 4.51235",
        "-4.512345678901, -4.51235",
        "1234567.891, 1234570",
        "123456.4, 123456",
        "0.000123456789, 0.000123457",
        "1e-12, 1.00000E-12",
        "1.5e300, 1.50000E+300",
        "42, 42",
        "0.1, 0.1",
        "999999.7, 1000000",
    })
    void derivedFiguresAreRoundedToSixSignificantDigits(double value, String expected) {
        String text = codec.roundedText(value);
        if (expected.contains("E")) {
            assertThat(Double.parseDouble(text)).isEqualTo(Double.parseDouble(expected));
        } else {
            assertThat(text).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "4.9, 4.9",
        "42, 42",
        "-0.0015, -0.0015",
        "-0.0, -0.0",
        "3.14159265, 3.14159265",
        "1e-7, 1.0E-7",
        "1e20, 1.0E20"
    })
    void readingValuesAreWrittenExactly(double value, String expected) {
        assertThat(UpdateCodec.exactText(value)).isEqualTo(expected);
        assertThat(Double.parseDouble(UpdateCodec.exactText(value))).isEqualTo(value);
    }

    @Test
    void encodingItsOwnDecodedOutputGivesTheSameBytes() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            double scale = Math.pow(10, random.nextInt(-8, 12));
            TagUpdate t =
                    new TagUpdate(
                            "t" + i,
                            START + i,
                            random.nextLong(0, 100_000),
                            random.nextDouble(-1, 1) * scale,
                            random.nextDouble(-1, 1) * scale,
                            random.nextDouble(-1, 1) * scale,
                            random.nextDouble() * scale,
                            random.nextDouble(-1, 1) * scale,
                            Math.rint(random.nextDouble(-1, 1) * 1e6) / 1000,
                            Quality.ofOrdinal(random.nextInt(3)),
                            random.nextInt(5));
            byte[] once = codec.encodeLatest(t);
            TagUpdate decoded = codec.decodeLatest(t.name(), once);
            assertThat(codec.encodeLatest(decoded)).as("%s", t).isEqualTo(once);
            assertThat(decoded.min()).isEqualTo(t.min());
            assertThat(decoded.last()).isEqualTo(t.last());
            assertThat(decoded.mean())
                    .isCloseTo(t.mean(), org.assertj.core.data.Percentage.withPercentage(0.001));
        }
    }

    @Test
    void namesThatNeedEscapingRoundTrip() {
        TagUpdate odd =
                new TagUpdate("a\"b\\c\u0001é", START, 1, 1, 1, 1, 0, 1, 1, Quality.GOOD, 0);
        GroupUpdate update = new GroupUpdate("g", 1000, START, List.of(odd));
        assertThat(codec.decodeMessage("g", codec.encodeMessage(update))).isEqualTo(update);
    }

    @Test
    void decodingToleratesWhitespaceUnknownFieldsAndAppendedElements() {
        String json =
                "{ \"v\": {\"x\": [1, true, null, \"s\"]}, \"t\" : { \"a.b\" : [1, 2, 3, 4, 5, 6, 7, 0, 0, 99, \"future\"] },"
                        + " \"s\": 1000, \"w\": 60000 }";
        GroupUpdate decoded = codec.decodeMessage("g", json.getBytes(StandardCharsets.UTF_8));
        assertThat(decoded)
                .isEqualTo(
                        new GroupUpdate(
                                "g",
                                60_000,
                                1000,
                                List.of(
                                        new TagUpdate(
                                                "a.b",
                                                1000,
                                                1,
                                                2,
                                                3,
                                                4,
                                                5,
                                                6,
                                                7,
                                                Quality.GOOD,
                                                0))));
    }

    @Test
    void malformedInputIsRejectedWithWhereItWentWrong() {
        assertThatThrownBy(() -> codec.decodeMessage("g", bytes("{\"w\":1000,\"t\":{}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"s\"");
        assertThatThrownBy(
                        () ->
                                codec.decodeMessage(
                                        "g", bytes("{\"w\":1000,\"s\":1,\"t\":{\"a\":[1,2,3]}}")))
                .hasMessageContaining("an array of 3 elements where 9 are needed");
        assertThatThrownBy(() -> codec.decodeLatest("a", bytes("[1,1,1,1,1,1,1,1,0,0] x")))
                .hasMessageContaining("unexpected bytes");
        assertThatThrownBy(() -> codec.decodeLatest("a", bytes("[1,1,1,1,1,1,1,1,3,0]")))
                .hasMessageContaining("q must be 0, 1 or 2");
        assertThatThrownBy(() -> codec.decodeLatest("a", bytes("[1.5,1,1,1,1,1,1,1,0,0]")))
                .hasMessageContaining("s must be a whole number");
        assertThatThrownBy(
                        () ->
                                codec.decodeMessage(
                                        "g", bytes("{\"w\":1000,\"s\":1,\"t\":{\"a\":[1,2,3")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void figuresAreFiniteNumbersOrNullAndBrokenJsonSaysWhere() {
        assertThatThrownBy(() -> codec.decodeLatest("a", bytes("[1,1,1e999,1,1,1,1,1,0,0]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("number out of range: 1e999");
        assertThatThrownBy(() -> codec.decodeLatest("a", bytes("[1,1,\"2\",1,1,1,1,1,0,0]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a number");
        assertThatThrownBy(() -> codec.decodeLatest("a", bytes("[1,1,1,1,1,1,1,1,0,0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a live update: ")
                .hasMessageContaining("at byte");
        assertThatThrownBy(() -> codec.decodeLatest("a", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no bytes");
    }

    @Test
    void theDigitsAreChecked() {
        assertThatThrownBy(() -> new UpdateCodec(0)).hasMessageContaining("digits must be 1 to 17");
        assertThat(new UpdateCodec(3).roundedText(4.512345)).isEqualTo("4.51");
    }

    /**
     * Bytes per tag update for a typical channel group: an area of the simulator's plant (10
     * devices, about 30 tags, names like pump007.pressure), figures with full double precision.
     */
    @Test
    void aTypicalTagUpdateTakesWellUnderOneHundredBytes() {
        SplittableRandom random = new SplittableRandom(7);
        String[][] devices = {
            {"pump", "pressure", "flow", "temperature", "vibration", "running"},
            {"valve", "position", "open"},
            {"tank", "level", "temperature"},
            {"motor", "current", "speed", "temperature", "running"},
            {"compressor", "pressure", "temperature", "running"},
        };
        List<TagUpdate> tags = new ArrayList<>();
        for (int device = 21; device <= 30; device++) {
            String[] type = devices[random.nextInt(devices.length)];
            for (int m = 1; m < type.length; m++) {
                String name = String.format("%s%03d.%s", type[0], device, type[m]);
                boolean digital = type[m].equals("running") || type[m].equals("open");
                double base = digital ? 1 : random.nextDouble(1, 150);
                double min = digital ? 1 : Math.rint((base - random.nextDouble()) * 1000) / 1000;
                double max = digital ? 1 : Math.rint((base + random.nextDouble()) * 1000) / 1000;
                double mean = digital ? 1 : base + random.nextDouble(-0.1, 0.1);
                double sd = digital ? 0 : random.nextDouble(0.01, 0.6);
                double twa = digital ? 1 : mean + random.nextDouble(-0.05, 0.05);
                double last =
                        digital
                                ? 1
                                : Math.rint((base + random.nextDouble(-0.5, 0.5)) * 1000) / 1000;
                tags.add(
                        new TagUpdate(
                                name, START, 10, min, max, mean, sd, twa, last, Quality.GOOD, 0));
            }
        }
        byte[] message = codec.encodeMessage(new GroupUpdate("plant1.area03", 1000, START, tags));
        double perTag = (double) message.length / tags.size();
        long latestBytes =
                tags.stream()
                        .mapToLong(t -> codec.encodeLatest(t).length + t.name().length())
                        .sum();
        System.out.printf(
                "live updates: %d tags in one message of %d bytes = %.1f bytes per tag update on the stream;"
                        + " latest hash: %.1f bytes per tag (field + value)%n",
                tags.size(), message.length, perTag, (double) latestBytes / tags.size());
        assertThat(perTag).isLessThan(70);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
