package io.sluice.simulator.signal;

import java.util.SplittableRandom;

/** A cyclic process (a pressure following a duty cycle) with Gaussian measurement noise. */
public final class SineWithNoise implements Signal {
    private final double mean;
    private final double amplitude;
    private final long periodMs;
    private final double radiansPerMs;
    private final double phase;
    private final double noise;

    public SineWithNoise(double mean, double amplitude, long periodMs, double phase, double noise) {
        this.mean = mean;
        this.amplitude = amplitude;
        this.periodMs = periodMs;
        this.radiansPerMs = 2 * Math.PI / periodMs;
        this.phase = phase;
        this.noise = noise;
    }

    @Override
    public double next(long ts, SplittableRandom random) {
        // The modulo keeps the sine's argument small, where it is fast and exact.
        double angle = (ts % periodMs) * radiansPerMs + phase;
        return mean + amplitude * Math.sin(angle) + noise * gaussian(random);
    }

    /** A standard normal deviate (Box-Muller without the cache, to keep the signal stateless). */
    static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
