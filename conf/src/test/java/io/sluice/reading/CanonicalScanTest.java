package io.sluice.reading;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser-free path agrees with Jackson's on everything it accepts, and accepts what producers
 * send.
 */
class CanonicalScanTest {
    private static final long NOW = 1_795_735_260_000L;

    private final ReadingCodec codec = ReadingCodec.withDefaults();
    private final CanonicalScan scan =
            new CanonicalScan(new ReadingRules(codec.limits()), new TagCache());

    /** Values as the simulator's signals and odd corners make them. */
    private static double value(Random random) {
        switch (random.nextInt(8)) {
            case 0:
                return Math.round(random.nextGaussian() * 1e5) / 1000.0; // three decimals
            case 1:
                return random.nextInt(2); // digital
            case 2:
                return random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15); // any
            case 3:
                return -0.0;
            case 4:
                return random.nextLong() / 1e3;
            case 5:
                return Double.longBitsToDouble(random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL);
            case 6:
                return (random.nextInt(2_000_001) - 1_000_000) / 100.0;
            default:
                return random.nextDouble();
        }
    }

    @Test
    void everyCanonicalEncodingReadsBackToTheSameBitsOnBothPaths() {
        Random random = new Random(14);
        int scanned = 0;
        for (int i = 0; i < 200_000; i++) {
            Reading sent =
                    new Reading(
                            "plant1.area" + random.nextInt(40) + ".pump" + random.nextInt(9) + ".v",
                            NOW + random.nextInt(1_000_000) - 500_000,
                            value(random),
                            Quality.values()[random.nextInt(3)]);
            byte[] bytes = codec.encode(sent);
            Reading fast = new Reading();
            boolean taken = scan.read(bytes, 0, bytes.length, fast);
            Reading json = new Reading();
            assertThat(codec.decodeJson(bytes, 0, bytes.length, json)).isNull();
            assertThat(json).isEqualTo(sent);
            if (taken) {
                scanned++;
                assertThat(fast).as(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo(sent);
            }
        }
        // Every value of at most 15 significant digits, written without an exponent, takes the
        // path: here the three-decimal, digital, -0.0 and cent values, half of them.
        assertThat(scanned).isGreaterThan(95_000);
    }

    @Test
    void theSimulatorsFormsTakeThePath() {
        assertThat(
                        List.of(
                                "{\"tag\":\"plant1.area03.pump007.pressure\",\"ts\":1795735260123,\"value\":4.217,\"quality\":\"good\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":-0,\"quality\":\"bad\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":0.001,\"quality\":\"uncertain\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":123456789012345,\"quality\":\"good\"}"))
                .allSatisfy(record -> assertThat(scans(record)).as(record).isTrue());
    }

    @Test
    void anythingElseIsLeftToJackson() {
        assertThat(
                        List.of(
                                "{\"tag\": \"a.b\",\"ts\":1795735260123,\"value\":1,\"quality\":\"good\"}",
                                "{\"ts\":1795735260123,\"tag\":\"a.b\",\"value\":1,\"quality\":\"good\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":1e3,\"quality\":\"good\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":1.0000000000000001,\"quality\":\"good\"}",
                                "{\"tag\":\"a\\u002eb\",\"ts\":1795735260123,\"value\":1,\"quality\":\"good\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":1,\"quality\":\"GOOD\"}",
                                "{\"tag\":\"a.b\",\"ts\":01795735260123,\"value\":1,\"quality\":\"good\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":01,\"quality\":\"good\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":1.,\"quality\":\"good\"}",
                                "{\"tag\":\"a.b\",\"ts\":9,\"value\":1,\"quality\":\"good\"}",
                                "{\"tag\":\"a..b\",\"ts\":1795735260123,\"value\":1,\"quality\":\"good\"}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":1,\"quality\":\"good\"} ",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":1,\"quality\":\"good\",\"x\":1}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":1,\"quality\":192}",
                                "{\"tag\":\"a.b\",\"ts\":1795735260123,\"value\":1}"))
                .allSatisfy(record -> assertThat(scans(record)).as(record).isFalse());
    }

    private boolean scans(String record) {
        byte[] bytes = record.getBytes(StandardCharsets.US_ASCII);
        return scan.read(bytes, 0, bytes.length, new Reading());
    }

    /** Random damage to canonical records: whatever the scan still accepts, Jackson reads alike. */
    @Test
    void whatTheScanAcceptsJacksonReadsTheSame() {
        Random random = new Random(99);
        byte[] alphabet = "0123456789.-+eE\"{},: abgx\\".getBytes(StandardCharsets.US_ASCII);
        int accepted = 0;
        for (int i = 0; i < 300_000; i++) {
            Reading sent =
                    new Reading(
                            "p.t" + random.nextInt(5),
                            NOW + random.nextInt(1000),
                            value(random),
                            Quality.values()[random.nextInt(3)]);
            byte[] bytes = codec.encode(sent);
            int at = random.nextInt(bytes.length);
            byte[] damaged;
            switch (random.nextInt(3)) {
                case 0: // replace
                    damaged = bytes.clone();
                    damaged[at] = alphabet[random.nextInt(alphabet.length)];
                    break;
                case 1: // insert
                    damaged = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, damaged, 0, at);
                    damaged[at] = alphabet[random.nextInt(alphabet.length)];
                    System.arraycopy(bytes, at, damaged, at + 1, bytes.length - at);
                    break;
                default: // delete
                    damaged = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, damaged, 0, at);
                    System.arraycopy(bytes, at + 1, damaged, at, bytes.length - at - 1);
            }
            Reading fast = new Reading();
            if (scan.read(damaged, 0, damaged.length, fast)) {
                accepted++;
                Reading json = new Reading();
                String text = new String(damaged, StandardCharsets.US_ASCII);
                assertThat(codec.decodeJson(damaged, 0, damaged.length, json)).as(text).isNull();
                assertThat(fast).as(text).isEqualTo(json);
            }
        }
        assertThat(accepted).as("damage that leaves a canonical reading").isGreaterThan(10_000);
    }
}
