package io.sluice.job.window;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/** Flink's own serializer suite over logs empty, short, grown and with a carry. */
class ReadingLogSerializerTest extends SerializerTestBase<ReadingLog> {
    ReadingLogSerializerTest() {
        // Equal by content, not by identity.
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) -> a instanceof ReadingLog && b instanceof ReadingLog,
                                (a, b, checker) ->
                                        summary((ReadingLog) a).equals(summary((ReadingLog) b))));
    }

    @Override
    protected TypeSerializer<ReadingLog> createSerializer() {
        return new ReadingLogSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<ReadingLog> getTypeClass() {
        return ReadingLog.class;
    }

    @Override
    protected ReadingLog[] getTestData() {
        ReadingLog empty = new ReadingLog();
        ReadingLog few = new ReadingLog();
        few.insert(1_795_735_260_100L, 4.5, (byte) 0);
        few.insert(1_795_735_260_050L, -0.0, (byte) 2);
        few.emittedUpTo = 1_795_735_260_000L;
        ReadingLog grown = new ReadingLog();
        for (int i = 0; i < 100; i++) {
            grown.insert(1_795_735_260_000L + 37L * i, i * 0.25, (byte) (i % 3));
        }
        grown.trimBefore(1_795_735_261_000L);
        return new ReadingLog[] {empty, few, grown};
    }

    private static String summary(ReadingLog log) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < log.size; i++) {
            s.append(log.ts[i]).append('=').append(Double.doubleToRawLongBits(log.values[i]));
            s.append('/').append(log.qualities[i]).append(',');
        }
        return s.append(log.hasCarry)
                .append(log.carryTs)
                .append(Double.doubleToRawLongBits(log.carryValue))
                .append(log.emittedUpTo)
                .toString();
    }
}
