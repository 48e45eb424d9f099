package io.sluice.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The median of a few noisy runs: these machines are shared, so one run proves little. */
public final class Medians {
    private Medians() {}

    public static double of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The median of one figure of a few runs. */
    public static <T> double of(List<T> runs, ToDoubleFunction<T> figure) {
        return of(runs.stream().mapToDouble(figure).toArray());
    }
}
