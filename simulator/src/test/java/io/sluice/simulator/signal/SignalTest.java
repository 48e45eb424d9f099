package io.sluice.simulator.signal;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SignalTest {
    private final SplittableRandom random = new SplittableRandom(1);

    @Test
    void randomWalkStaysWithinItsRange() {
        RandomWalk walk = new RandomWalk(1, 5, 0, 10);
        for (long ts = 0; ts < 100_000; ts++) {
            assertThat(walk.next(ts, random)).isBetween(0.0, 10.0);
        }
    }

    @Test
    void rampMovesNoFasterThanItsRate() {
        RampAndStep ramp = new RampAndStep(0, 0, 100, 10, 0.01); // 10 per second
        double previous = ramp.next(0, random);
        for (long ts = 100; ts < 100_000; ts += 100) {
            double value = ramp.next(ts, random);
            assertThat(Math.abs(value - previous)).isLessThanOrEqualTo(1.0 + 1e-9);
            previous = value;
        }
    }

    @Test
    void digitalPointSwitchesBothWays() {
        DigitalOnOff point = new DigitalOnOff(1000, 1000, true);
        int switches = 0;
        double previous = point.next(0, random);
        for (long ts = 100; ts < 100_000; ts += 100) {
            double value = point.next(ts, random);
            if (value != previous) {
                switches++;
            }
            previous = value;
        }
        assertThat(switches).isBetween(50, 150);
    }

    @Test
    void sineStaysNearItsEnvelope() {
        SineWithNoise sine = new SineWithNoise(10, 2, 60_000, 0, 0.01);
        for (long ts = 0; ts < 120_000; ts += 100) {
            assertThat(sine.next(ts, random)).isBetween(7.9, 12.1);
        }
    }

    @Test
    void qualityModelHasEpisodesAndDropouts() {
        QualityModel model = new QualityModel(0.01, 0.01);
        int notGood = 0;
        int silent = 0;
        for (int i = 0; i < 100_000; i++) {
            model.advance(random);
            if (!model.sends()) {
                silent++;
            } else if (model.quality() != io.sluice.reading.Quality.GOOD) {
                notGood++;
            }
        }
        assertThat(notGood).isGreaterThan(1000);
        assertThat(silent).isGreaterThan(1000);
    }
}
