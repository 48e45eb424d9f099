package io.sluice.job.window;

import io.sluice.job.batch.ReadingBatch;
import io.sluice.reading.Quality;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window operator on RocksDB, whose tags' state stays on the heap between checkpoints, against
 * the plain operator on the heap backend: the same emissions, late readings and restores.
 */
class TagWindowsOperatorTest {
    private static final long BEGINNING = 1_795_735_260_000L; // a whole minute
    private static final long[] SIZES = {1000, 3000};
    private static final long LATENESS = 1500;

    /** One of the two operators under test, with its harness across restores. */
    private static final class Run {
        private final Supplier<OneInputStreamOperator<ReadingBatch, WindowStats>> operator;
        private final boolean rocksDb;
        private KeyedOneInputStreamOperatorTestHarness<String, ReadingBatch, WindowStats> harness;
        private final List<Object> output = new ArrayList<>();

        Run(Supplier<OneInputStreamOperator<ReadingBatch, WindowStats>> operator, boolean rocksDb)
                throws Exception {
            this.operator = operator;
            this.rocksDb = rocksDb;
            start(null);
        }

        private void start(OperatorSubtaskState restored) throws Exception {
            harness =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            operator.get(), b -> b.tag, Types.STRING);
            if (rocksDb) {
                harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            if (restored != null) {
                harness.initializeState(restored);
            }
            harness.open();
        }

        void batch(ReadingBatch b) throws Exception {
            harness.processElement(new StreamRecord<>(b, b.ts[0]));
        }

        void watermark(long w) throws Exception {
            harness.processWatermark(new Watermark(w));
        }

        /** A checkpoint as a task takes it, then a restart from it. */
        void restartFromCheckpoint(long id) throws Exception {
            harness.prepareSnapshotPreBarrier(id);
            OperatorSubtaskState snapshot = harness.snapshot(id, id);
            collect();
            harness.close();
            start(snapshot);
        }

        List<Object> finish() throws Exception {
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            collect();
            harness.close();
            return output;
        }

        private void collect() {
            for (Object o : harness.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    output.add(r.getValue());
                }
            }
            harness.getSideOutput(TagWindows.LATE).forEach(r -> output.add(r.getValue()));
            harness.getOutput().clear();
            harness.getSideOutput(TagWindows.LATE).clear();
        }

        int cachedTags() {
            return harness.getOperator() instanceof TagWindowsOperator o ? o.cachedTags() : -1;
        }
    }

    private static Map<String, List<Object>> byTag(List<Object> output) {
        Map<String, List<Object>> byTag = new TreeMap<>();
        for (Object o : output) {
            String tag = o instanceof WindowStats w ? w.tag : ((Reading) o).tag;
            byTag.computeIfAbsent(tag, t -> new ArrayList<>()).add(o);
        }
        return byTag;
    }

    @Test
    void onRocksDbTheHeapCacheGivesWhatTheHeapBackendGivesAcrossRestores() throws Exception {
        Random random = new Random(11);
        for (int trial = 0; trial < 4; trial++) {
            Run heap =
                    new Run(
                            () -> new KeyedProcessOperator<>(new TagWindows(SIZES, LATENESS)),
                            false);
            // Two tags at most on the heap, of five: the cache is written back and emptied often.
            Run cached =
                    new Run(() -> new TagWindowsOperator(new TagWindows(SIZES, LATENESS), 2), true);
            long watermark = BEGINNING - 1;
            long newest = watermark;
            int maxCached = 0;
            for (int step = 0; step < 300; step++) {
                String tag = "plant1.area01.pump00" + random.nextInt(5) + ".pressure";
                int n = 1 + random.nextInt(6);
                ReadingBatch batch = new ReadingBatch(tag, n);
                for (int k = 0; k < n; k++) {
                    // Out of order, some late, some duplicated.
                    long t = BEGINNING + step * 40L - random.nextInt(4000);
                    batch.add(t, random.nextInt(20), Quality.values()[random.nextInt(3)]);
                    if (random.nextInt(20) == 0) {
                        batch.add(t, batch.values[batch.size - 1], batch.quality(batch.size - 1));
                    }
                    newest = Math.max(newest, t);
                }
                heap.batch(batch);
                cached.batch(batch);
                maxCached = Math.max(maxCached, cached.cachedTags());
                if (random.nextInt(3) == 0) {
                    watermark = Math.max(watermark, newest - random.nextInt(1000));
                    heap.watermark(watermark);
                    cached.watermark(watermark);
                }
                if (random.nextInt(40) == 0) {
                    heap.restartFromCheckpoint(step);
                    cached.restartFromCheckpoint(step);
                }
            }
            // Tag by tag: timers of one time fire in another order of tags on RocksDB.
            Map<String, List<Object>> expected = byTag(heap.finish());
            assertThat(byTag(cached.finish()))
                    .as("trial %d", trial)
                    .isNotEmpty()
                    .isEqualTo(expected);
            assertThat(maxCached).as("tags held on the heap").isBetween(1, 3);
        }
    }
}
