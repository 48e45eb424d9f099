package io.sluice.job.window;

import io.sluice.testing.RollupVectors;
import io.sluice.testing.RollupVectors.Case;
import io.sluice.testing.RollupVectors.Merged;
import io.sluice.testing.WindowOracle;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WindowMath#merge} against the rollup vectors, conf/samples/rollups/, which the SQL
 * functions of conf/sql/rollups.sql meet too (websocket-sink's {@code RollupFunctionsIT}).
 */
class WindowMathVectorsTest {
    static List<Case> cases() {
        return RollupVectors.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mergesTheStoredWindowsIntoTheExpectedBucket(Case c) {
        Merged expected = c.merged();
        WindowOracle.Row before = c.before();
        List<WindowStats> inside = c.inside().stream().map(WindowMathVectorsTest::stats).toList();

        WindowStats w =
                WindowMath.merge(
                        c.name(),
                        expected.windowMs(),
                        expected.start(),
                        inside,
                        before != null,
                        before == null ? 0 : before.lastValue());

        Merged actual =
                new Merged(
                        w.windowStart,
                        w.windowMs,
                        inside.size(),
                        w.count,
                        w.goodCount,
                        w.uncertainCount,
                        w.badCount,
                        w.sum,
                        w.min,
                        w.max,
                        w.mean,
                        w.stddev(),
                        w.twa(),
                        w.firstValue,
                        w.lastValue,
                        w.worstQuality);
        assertThat(expected.differences(actual)).as(c.name()).isEmpty();
    }

    /** A stored window as the job holds it. */
    private static WindowStats stats(WindowOracle.Row r) {
        WindowStats w = new WindowStats();
        w.tag = r.tag();
        w.windowMs = r.windowMs();
        w.windowStart = r.start();
        w.count = r.count();
        w.goodCount = r.good();
        w.uncertainCount = r.uncertain();
        w.badCount = r.bad();
        w.sum = r.sum();
        w.min = r.min();
        w.max = r.max();
        w.firstTs = r.firstTs();
        w.firstValue = r.firstValue();
        w.lastTs = r.lastTs();
        w.lastValue = r.lastValue();
        w.mean = r.mean();
        w.m2 = r.m2();
        w.twaArea = r.twaArea();
        w.twaSpanMs = r.twaSpanMs();
        w.worstQuality = r.worst();
        w.revision = r.revision();
        return w;
    }
}
