package io.sluice.bench;

import java.util.Arrays;

/** The median of a few noisy runs: these machines are shared, so one run proves little. */
public final class Medians {
    private Medians() {}

    public static double of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
