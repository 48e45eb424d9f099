package io.sluice.job.batch;

import io.sluice.reading.Quality;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's own serializer suite over batches of several shapes. */
class ReadingBatchSerializerTest extends SerializerTestBase<ReadingBatch> {

    @Override
    protected TypeSerializer<ReadingBatch> createSerializer() {
        return new ReadingBatchSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<ReadingBatch> getTypeClass() {
        return ReadingBatch.class;
    }

    @Override
    protected ReadingBatch[] getTestData() {
        ReadingBatch empty = new ReadingBatch("plant1.area01.empty", 0);
        ReadingBatch one = new ReadingBatch("plant1.area01.pump001.pressure", 1);
        one.add(1_795_735_260_000L, 4.25, Quality.GOOD);
        ReadingBatch many = new ReadingBatch("plant1.area02.valve17.open", 2);
        for (int i = 0; i < 300; i++) { // grows past its capacity
            many.add(1_795_735_260_000L + 100L * i, i % 2, Quality.values()[i % 3]);
        }
        ReadingBatch odd = new ReadingBatch("t", 4);
        odd.add(Long.MIN_VALUE, -0.0, Quality.BAD);
        odd.add(Long.MAX_VALUE, Double.MAX_VALUE, Quality.UNCERTAIN);
        odd.add(0, Double.MIN_VALUE, Quality.GOOD);
        return new ReadingBatch[] {empty, one, many, odd, one};
    }
}
