package io.sluice.job.savepoint;

import io.sluice.job.window.WindowStats;
import io.sluice.testing.WindowOracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A window the job emitted against {@link WindowOracle}'s: counts, extremes, first and last exact;
 * sums and the figures derived from them to a relative 1e-9 (the job adds in another order). Used
 * by SluiceJobIT for the stored rows and by the savepoint tests. The revision is the caller's to
 * check.
 */
public final class OracleMatch {
    private OracleMatch() {}

    public static void assertMatches(WindowStats w, WindowOracle.Row o) {
        assertMatches(w, o, "");
    }

    /** The same, with a note on the window for the failure message. */
    public static void assertMatches(WindowStats w, WindowOracle.Row o, String note) {
        String at = WindowOracle.key(o.tag(), o.windowMs(), o.start()) + note;
        assertThat(w.count).as("count %s", at).isEqualTo(o.count());
        assertThat(w.goodCount).as("good %s", at).isEqualTo(o.good());
        assertThat(w.uncertainCount).as("uncertain %s", at).isEqualTo(o.uncertain());
        assertThat(w.badCount).as("bad %s", at).isEqualTo(o.bad());
        assertThat(w.min).as("min %s", at).isEqualTo(o.min());
        assertThat(w.max).as("max %s", at).isEqualTo(o.max());
        assertThat(w.firstTs).as("first ts %s", at).isEqualTo(o.firstTs());
        assertThat(w.firstValue).as("first value %s", at).isEqualTo(o.firstValue());
        assertThat(w.lastTs).as("last ts %s", at).isEqualTo(o.lastTs());
        assertThat(w.lastValue).as("last value %s", at).isEqualTo(o.lastValue());
        assertThat(w.worstQuality).as("worst quality %s", at).isEqualTo(o.worst());
        assertRelative("sum " + at, w.sum, o.sum());
        assertRelative("mean " + at, w.mean, o.mean());
        assertRelative("stddev " + at, w.stddev(), o.stddev());
        // The held value at the window's start comes from the reading before it: after a restore,
        // from the restored log.
        assertThat(w.twaSpanMs).as("time-weighted span %s", at).isEqualTo(o.twaSpanMs());
        assertRelative("twa " + at, w.twa(), o.twa());
    }

    private static void assertRelative(String what, double actual, double expected) {
        assertThat(actual)
                .as(what)
                .isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    }
}
