package io.sluice.simulator.signal;

import java.util.SplittableRandom;

/** A digital point (running, open) that switches between 0 and 1 after random dwell times. */
public final class DigitalOnOff implements Signal {
    private final double meanOnMs;
    private final double meanOffMs;
    private boolean on;
    private long switchAt = Long.MIN_VALUE;

    public DigitalOnOff(double meanOnMs, double meanOffMs, boolean startOn) {
        this.meanOnMs = meanOnMs;
        this.meanOffMs = meanOffMs;
        this.on = startOn;
    }

    @Override
    public double next(long ts, SplittableRandom random) {
        if (switchAt == Long.MIN_VALUE) {
            switchAt = ts + dwell(random);
        }
        while (ts >= switchAt) {
            on = !on;
            switchAt += dwell(random);
        }
        return on ? 1 : 0;
    }

    private long dwell(SplittableRandom random) {
        double mean = on ? meanOnMs : meanOffMs;
        return 1 + (long) (-mean * Math.log(1.0 - random.nextDouble())); // exponential
    }
}
