package io.sluice.job.window;

import io.sluice.reading.Quality;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's own serializer suite over windows with every field set. */
class WindowStatsSerializerTest extends SerializerTestBase<WindowStats> {

    @Override
    protected TypeSerializer<WindowStats> createSerializer() {
        return new WindowStatsSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<WindowStats> getTypeClass() {
        return WindowStats.class;
    }

    @Override
    protected WindowStats[] getTestData() {
        return new WindowStats[] {
            window("plant1.area01.pump001.pressure", 1000, 1, Quality.GOOD),
            window("plant1.area02.valve17.open", 60_000, 2, Quality.UNCERTAIN),
            window("x", 1000, 3, Quality.BAD)
        };
    }

    private static WindowStats window(String tag, long size, int seed, Quality worst) {
        WindowStats w = new WindowStats();
        w.tag = tag;
        w.windowMs = size;
        w.windowStart = 1_795_735_260_000L + seed * size;
        w.count = 10L * seed;
        w.goodCount = 7L * seed;
        w.uncertainCount = 2L * seed;
        w.badCount = seed;
        w.sum = 12.5 * seed;
        w.min = -seed;
        w.max = seed * 3.0;
        w.firstTs = w.windowStart + 5;
        w.firstValue = 0.1 * seed;
        w.lastTs = w.windowStart + size - 5;
        w.lastValue = -0.0;
        w.mean = 1.25;
        w.m2 = 0.75 * seed;
        w.twaArea = 1234.5 * seed;
        w.twaSpanMs = size - seed;
        w.worstQuality = worst;
        w.revision = 65_536 * seed + 1;
        return w;
    }
}
