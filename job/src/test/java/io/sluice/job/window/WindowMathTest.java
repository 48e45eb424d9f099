package io.sluice.job.window;

import io.sluice.reading.Quality;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WindowMathTest {
    private static final long BEGINNING = 1_795_735_260_000L; // a whole minute

    private static ReadingLog log(long[] ts, double[] values) {
        ReadingLog log = new ReadingLog();
        for (int i = 0; i < ts.length; i++) {
            log.insert(ts[i], values[i], (byte) Quality.GOOD.ordinal());
        }
        return log;
    }

    @Test
    void finestWindowHoldsEachValueUntilTheNextReading() {
        ReadingLog log = log(new long[] {BEGINNING + 200, BEGINNING + 700}, new double[] {2, 4});
        WindowStats w = WindowMath.ofReadings("a.b", 1000, BEGINNING, log, 0, 2, true, 10);
        // 10 for 200 ms, 2 for 500 ms, 4 for 300 ms
        assertThat(w.twaArea).isEqualTo(10 * 200 + 2 * 500 + 4 * 300);
        assertThat(w.twaSpanMs).isEqualTo(1000);
        assertThat(w.twa()).isEqualTo(4.2);
        assertThat(w.count).isEqualTo(2);
        assertThat(w.mean).isEqualTo(3);
        assertThat(w.stddev()).isEqualTo(1);
        assertThat(w.firstTs).isEqualTo(BEGINNING + 200);
        assertThat(w.lastValue).isEqualTo(4);
    }

    @Test
    void withoutAPreviousReadingTheAverageStartsAtTheFirstReading() {
        ReadingLog log = log(new long[] {BEGINNING + 500}, new double[] {6});
        WindowStats w = WindowMath.ofReadings("a.b", 1000, BEGINNING, log, 0, 1, false, 0);
        assertThat(w.twaSpanMs).isEqualTo(500);
        assertThat(w.twa()).isEqualTo(6);
    }

    @Test
    void coarseWindowMergesFinePartialsAndHoldsAcrossEmptyOnes() {
        ReadingLog log =
                log(
                        new long[] {BEGINNING + 100, BEGINNING + 600, BEGINNING + 2300},
                        new double[] {1, 3, 5});
        WindowStats first = WindowMath.ofReadings("a.b", 1000, BEGINNING, log, 0, 2, false, 0);
        WindowStats third =
                WindowMath.ofReadings("a.b", 1000, BEGINNING + 2000, log, 2, 3, true, 3);
        WindowStats coarse =
                WindowMath.merge("a.b", 3000, BEGINNING, List.of(first, third), false, 0);

        // 1 for 500 ms, 3 from 600 to 2300 (across the empty second), 5 to the end.
        assertThat(coarse.twaSpanMs).isEqualTo(2900);
        assertThat(coarse.twaArea).isEqualTo(1 * 500 + 3 * 1700 + 5 * 700);
        assertThat(coarse.count).isEqualTo(3);
        assertThat(coarse.mean).isCloseTo(3, within(1e-12));
        assertThat(coarse.m2).isCloseTo(8, within(1e-12)); // (1-3)^2 + 0 + (5-3)^2
        assertThat(coarse.min).isEqualTo(1);
        assertThat(coarse.max).isEqualTo(5);
        assertThat(coarse.firstValue).isEqualTo(1);
        assertThat(coarse.lastTs).isEqualTo(BEGINNING + 2300);
    }

    @Test
    void welfordStaysAccurateWhereASumOfSquaresWouldNot() {
        long[] ts = new long[1000];
        double[] values = new double[1000];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = BEGINNING + i;
            values[i] = 1e9 + (i % 2); // variance 0.25 on a huge mean
        }
        WindowStats w =
                WindowMath.ofReadings("a.b", 1000, BEGINNING, log(ts, values), 0, 1000, false, 0);
        assertThat(w.stddev()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void theLogKeepsReadingsSortedAndDropsExactDuplicates() {
        ReadingLog log = new ReadingLog();
        assertThat(log.insert(30, 1, (byte) 0)).isZero();
        assertThat(log.insert(10, 1, (byte) 0)).isZero();
        assertThat(log.insert(20, 1, (byte) 0)).isEqualTo(1);
        assertThat(log.insert(20, 1, (byte) 0)).isEqualTo(-1);
        assertThat(log.insert(20, 0.5, (byte) 0)).isEqualTo(1);
        for (int i = 0; i < 40; i++) {
            log.insert(100 + i, i, (byte) 0);
        }
        assertThat(log.size).isEqualTo(44);
        assertThat(log.ts[0]).isEqualTo(10);
        log.trimBefore(101);
        assertThat(log.hasCarry).isTrue();
        assertThat(log.carryTs).isEqualTo(100);
        assertThat(log.ts[0]).isEqualTo(101);
        assertThat(log.size).isEqualTo(39);
    }
}
