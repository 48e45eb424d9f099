package io.sluice.simulator.signal;

import java.util.SplittableRandom;

/** A slowly drifting quantity (a tank level, a flow) that stays within its physical range. */
public final class RandomWalk implements Signal {
    private final double step;
    private final double min;
    private final double max;
    private double value;

    public RandomWalk(double start, double step, double min, double max) {
        this.value = start;
        this.step = step;
        this.min = min;
        this.max = max;
    }

    @Override
    public double next(long ts, SplittableRandom random) {
        value += step * SineWithNoise.gaussian(random);
        // Reflect at the walls rather than clamp, so the walk does not stick to them.
        while (value > max || value < min) {
            value = value > max ? 2 * max - value : 2 * min - value;
        }
        return value;
    }
}
