package io.sluice.simulator;

import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;
import io.sluice.reading.Rejection;
import io.sluice.simulator.faults.FaultSettings;
import io.sluice.simulator.plant.Plant;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReadingGeneratorTest {
    private static final long BEGINNING = 1_795_735_268_000L;
    private static final long INTERVAL = 100;
    private final ReadingCodec codec = ReadingCodec.withDefaults();

    private ReadingGenerator generator(int tags, long seed, FaultSettings faults) {
        return new ReadingGenerator(
                Plant.build(tags, INTERVAL, seed), BEGINNING, INTERVAL, faults, seed, codec);
    }

    @Test
    void theSameSeedGivesTheSameRecords() {
        FaultSettings faults = new FaultSettings(0.05, 2000, 0.02, 30_000, 0.03, 0.01);
        ReadingGenerator a = generator(500, 7, faults);
        ReadingGenerator b = generator(500, 7, faults);
        SimulatedRecord ra = new SimulatedRecord();
        SimulatedRecord rb = new SimulatedRecord();
        for (int i = 0; i < 100_000; i++) {
            a.next(ra);
            b.next(rb);
            assertThat(rb.kind).isEqualTo(ra.kind);
            assertThat(rb.key).isEqualTo(ra.key);
            assertThat(rb.value).as("record %d", i).isEqualTo(ra.value);
        }
    }

    @Test
    void anotherSeedGivesOtherValues() {
        ReadingGenerator a = generator(100, 1, FaultSettings.NONE);
        ReadingGenerator b = generator(100, 2, FaultSettings.NONE);
        SimulatedRecord ra = new SimulatedRecord();
        SimulatedRecord rb = new SimulatedRecord();
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            a.next(ra);
            b.next(rb);
            if (!Arrays.equals(ra.value, rb.value)) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(900);
    }

    @Test
    void withoutFaultsReadingsComeInEventTimeOrderOncePerTagPerInterval() {
        ReadingGenerator g = generator(1000, 3, FaultSettings.NONE);
        SimulatedRecord r = new SimulatedRecord();
        Map<String, Integer> perTagInFirstSecond = new HashMap<>();
        long previous = Long.MIN_VALUE;
        int records = 0;
        while (true) {
            g.next(r);
            assertThat(r.kind).isEqualTo(RecordKind.READING);
            assertThat(r.reading.ts).isGreaterThanOrEqualTo(previous);
            previous = r.reading.ts;
            if (r.reading.ts >= BEGINNING + 1000) {
                break;
            }
            perTagInFirstSecond.merge(r.reading.tag, 1, Integer::sum);
            records++;
        }
        // A tag in a dropout may miss the whole second; none may read more than ten times.
        assertThat(perTagInFirstSecond.size()).isBetween(990, 1000);
        assertThat(perTagInFirstSecond.values().stream().mapToInt(n -> n).max().orElseThrow())
                .isEqualTo(10);
        // Dropouts are rare: nearly every tag sends all ten readings of the second.
        assertThat(records).isGreaterThan(9_900);
    }

    @Test
    void everyValidRecordDecodesToTheReadingItCarries() {
        ReadingGenerator g =
                generator(300, 5, new FaultSettings(0.05, 2000, 0.02, 30_000, 0.03, 0.05));
        SimulatedRecord r = new SimulatedRecord();
        Reading decoded = new Reading();
        for (int i = 0; i < 50_000; i++) {
            g.next(r);
            Rejection rejection = codec.decode(r.value, decoded);
            if (r.kind == RecordKind.MALFORMED) {
                assertThat(rejection).as("malformed record %s", new String(r.value)).isNotNull();
                assertThat(rejection.reason()).isEqualTo(r.malformedAs);
            } else {
                assertThat(rejection).as("record %s", new String(r.value)).isNull();
                assertThat(decoded).isEqualTo(r.reading);
                assertThat(new String(r.key)).isEqualTo(decoded.tag);
            }
        }
    }

    /**
     * The fractions, measured from the stream as a consumer sees it, not from the generator's
     * counters.
     */
    @Test
    void faultFractionsAreHonouredWithinTolerance() {
        FaultSettings faults = new FaultSettings(0.05, 200, 0.02, 1000, 0.03, 0.01);
        ReadingGenerator g = generator(2000, 11, faults);
        SimulatedRecord r = new SimulatedRecord();
        Reading decoded = new Reading();
        Map<RecordKind, Integer> seen = new EnumMap<>(RecordKind.class);
        long maxTs = Long.MIN_VALUE;
        byte[] previous = null;
        int readings = 0;
        List<Long> lags = new ArrayList<>();
        for (int i = 0; i < 300_000; i++) {
            g.next(r);
            RecordKind observed;
            if (codec.decode(r.value, decoded) != null) {
                observed = RecordKind.MALFORMED;
            } else if (Arrays.equals(r.value, previous)) {
                observed = RecordKind.DUPLICATE;
            } else {
                readings++;
                long lag = maxTs == Long.MIN_VALUE ? 0 : maxTs - decoded.ts;
                if (lag <= 0) {
                    observed = RecordKind.READING;
                } else {
                    observed = lag <= faults.boundMs() ? RecordKind.OUT_OF_ORDER : RecordKind.LATE;
                    lags.add(lag);
                }
                maxTs = Math.max(maxTs, decoded.ts);
            }
            assertThat(observed).as("record %d: %s", i, new String(r.value)).isEqualTo(r.kind);
            seen.merge(observed, 1, Integer::sum);
            previous = r.value;
        }
        // Readings still held back at the end were picked, but not yet seen.
        int held = g.heldBack();
        assertThat(held).isLessThan(500);
        assertFraction(
                seen.get(RecordKind.OUT_OF_ORDER), readings + held, faults.outOfOrder(), held);
        assertFraction(seen.get(RecordKind.LATE), readings + held, faults.late(), held);
        assertFraction(seen.get(RecordKind.DUPLICATE), readings, faults.duplicate(), 0);
        assertFraction(seen.get(RecordKind.MALFORMED), readings, faults.malformed(), 0);
        assertThat(lags).allSatisfy(lag -> assertThat(lag).isLessThanOrEqualTo(faults.lateMaxMs()));
    }

    /**
     * Within five standard deviations of a binomial count: fails on a wrong fraction, not on
     * chance.
     */
    private static void assertFraction(Integer count, int trials, double p, int unseen) {
        double sigma = Math.sqrt(trials * p * (1 - p));
        assertThat((double) count).isCloseTo(trials * p, within(5 * sigma + unseen));
    }
}
