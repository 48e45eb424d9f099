package io.sluice.job.window;

import io.sluice.reading.Quality;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/** Flink's own serializer suite over coarse windows before and after their emission. */
class CoarseWindowSerializerTest extends SerializerTestBase<CoarseWindow> {
    CoarseWindowSerializerTest() {
        // Equal by content, not by identity.
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) -> a instanceof CoarseWindow && b instanceof CoarseWindow,
                                (a, b, checker) ->
                                        summary((CoarseWindow) a)
                                                .equals(summary((CoarseWindow) b))));
    }

    @Override
    protected TypeSerializer<CoarseWindow> createSerializer() {
        return new CoarseWindowSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<CoarseWindow> getTypeClass() {
        return CoarseWindow.class;
    }

    @Override
    protected CoarseWindow[] getTestData() {
        CoarseWindow open = new CoarseWindow();
        open.hasHeld = true;
        open.held = 3.25;
        open.firstFineKnown = true;
        open.firstFineStart = 1_795_735_260_000L;
        CoarseWindow emitted = new CoarseWindow();
        emitted.emitted = new WindowStats();
        emitted.emitted.tag = "plant1.area01.pump001.pressure";
        emitted.emitted.windowMs = 60_000;
        emitted.emitted.windowStart = 1_795_735_260_000L;
        emitted.emitted.count = 600;
        emitted.emitted.worstQuality = Quality.UNCERTAIN;
        emitted.emitted.revision = 65_537;
        return new CoarseWindow[] {new CoarseWindow(), open, emitted};
    }

    private static String summary(CoarseWindow w) {
        return w.hasHeld
                + " "
                + Double.doubleToRawLongBits(w.held)
                + " "
                + w.firstFineKnown
                + " "
                + w.firstFineStart
                + " "
                + w.emitted;
    }
}
