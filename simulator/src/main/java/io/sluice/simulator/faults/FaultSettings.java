package io.sluice.simulator.faults;

/**
 * How much of the firehose is disorder, each a fraction of the readings.
 *
 * @param outOfOrder readings sent up to {@code boundMs} behind the newest reading
 * @param boundMs the out-of-orderness a consumer should tolerate
 * @param late readings sent more than {@code boundMs} (and up to {@code lateMaxMs}) behind
 * @param lateMaxMs the largest delay of a late reading
 * @param duplicate readings sent twice in a row
 * @param malformed readings followed by a malformed record
 */
public record FaultSettings(
        double outOfOrder,
        long boundMs,
        double late,
        long lateMaxMs,
        double duplicate,
        double malformed) {

    public static final FaultSettings NONE = new FaultSettings(0, 2000, 0, 30_000, 0, 0);

    public FaultSettings {
        requireFraction("out-of-order", outOfOrder);
        requireFraction("late", late);
        requireFraction("duplicate", duplicate);
        requireFraction("malformed", malformed);
        if (outOfOrder + late > 1) {
            throw new IllegalArgumentException(
                    "out-of-order and late fractions add up to more than 1");
        }
        if (boundMs < 1) {
            throw new IllegalArgumentException(
                    "the out-of-order bound must be at least 1 ms: " + boundMs);
        }
        if (late > 0 && lateMaxMs <= boundMs) {
            throw new IllegalArgumentException(
                    "late.max.ms ("
                            + lateMaxMs
                            + ") must be above out-of-order.bound.ms ("
                            + boundMs
                            + ")");
        }
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(
                    "the " + name + " fraction must be within 0..1: " + value);
        }
    }
}
