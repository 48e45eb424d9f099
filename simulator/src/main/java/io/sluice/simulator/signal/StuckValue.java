package io.sluice.simulator.signal;

import java.util.SplittableRandom;

/** A failed transmitter that repeats its last value: the case a dashboard must make visible. */
public final class StuckValue implements Signal {
    private final double value;

    public StuckValue(double value) {
        this.value = value;
    }

    @Override
    public double next(long ts, SplittableRandom random) {
        return value;
    }
}
