package io.sluice.simulator.signal;

import java.util.SplittableRandom;

/**
 * A set-point driven quantity: ramps linearly towards a target, and now and then the target steps
 * to a new level (a valve position, a motor speed).
 */
public final class RampAndStep implements Signal {
    private final double min;
    private final double max;
    private final double ratePerMs;
    private final double stepProbability;
    private double value;
    private double target;
    private long lastTs = Long.MIN_VALUE;

    public RampAndStep(
            double start, double min, double max, double ratePerSecond, double stepProbability) {
        this.value = start;
        this.target = start;
        this.min = min;
        this.max = max;
        this.ratePerMs = ratePerSecond / 1000;
        this.stepProbability = stepProbability;
    }

    @Override
    public double next(long ts, SplittableRandom random) {
        if (random.nextDouble() < stepProbability) {
            target = min + (max - min) * random.nextDouble();
        }
        long elapsed = lastTs == Long.MIN_VALUE ? 0 : ts - lastTs;
        lastTs = ts;
        double room = ratePerMs * elapsed;
        value = value < target ? Math.min(target, value + room) : Math.max(target, value - room);
        return value;
    }
}
