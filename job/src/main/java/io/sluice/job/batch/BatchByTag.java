package io.sluice.job.batch;

import io.sluice.reading.Reading;

import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.HashMap;
import java.util.Iterator;

/**
 * Folds each tag's readings into a {@link ReadingBatch} in the source's task, so that about one
 * record per tag and window crosses the keyBy instead of one per reading.
 *
 * <p>Readings of a tag share a Kafka partition (the record key is the tag), so one source subtask
 * sees all of them. A tag's batch goes out when the watermark reaches the end of the earliest
 * finest window in it, before the watermark itself: the windows get every reading of a window
 * before the watermark that closes it, as they did reading by reading. A reading whose window had
 * already closed here goes out at once, in a batch of its own: it is late, and the windows decide
 * what that means. Nothing stays here across a checkpoint (all batches go out before the barrier)
 * or past the end of the input, so the operator has no state: exact under checkpoints, restores and
 * rescales alike. A batch also goes out when it holds {@code maxBatch} readings, which bounds the
 * memory while a stalled partition holds the watermark back.
 */
public final class BatchByTag extends AbstractStreamOperator<ReadingBatch>
        implements OneInputStreamOperator<Reading, ReadingBatch>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final long windowMs;
    private final int maxBatch;

    private transient HashMap<String, OpenBatch> open;
    private transient long watermark;
    private transient Counter batches;

    /**
     * @param windowMs the finest window size: a batch goes out once its earliest window closes
     * @param maxBatch readings after which a batch goes out anyway
     */
    public BatchByTag(long windowMs, int maxBatch) {
        if (windowMs <= 0 || maxBatch <= 0) {
            throw new IllegalArgumentException("window size and batch size must be positive");
        }
        this.windowMs = windowMs;
        this.maxBatch = maxBatch;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
        watermark = Long.MIN_VALUE;
        batches = getMetricGroup().counter("readingBatches");
    }

    @Override
    public void processElement(StreamRecord<Reading> element) {
        Reading r = element.getValue();
        long lastMs = r.ts - Math.floorMod(r.ts, windowMs) + windowMs - 1;
        if (lastMs <= watermark) {
            emit(ReadingBatch.of(r));
            return;
        }
        OpenBatch batch = open.get(r.tag);
        if (batch == null) {
            batch = new OpenBatch(r.tag);
            open.put(r.tag, batch);
        }
        batch.readings.add(r.ts, r.value, r.quality);
        batch.firstWindowLastMs = Math.min(batch.firstWindowLastMs, lastMs);
        if (batch.readings.size >= maxBatch) {
            open.remove(r.tag);
            emit(batch.readings);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        Iterator<OpenBatch> it = open.values().iterator();
        while (it.hasNext()) {
            OpenBatch batch = it.next();
            if (batch.firstWindowLastMs <= watermark) {
                it.remove();
                emit(batch.readings);
            }
        }
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flushAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flushAll();
    }

    private void flushAll() {
        for (OpenBatch batch : open.values()) {
            emit(batch.readings);
        }
        open.clear();
    }

    private void emit(ReadingBatch batch) {
        batches.inc();
        output.collect(new StreamRecord<>(batch, batch.ts[0]));
    }

    /** A tag's readings waiting to go, and the last millisecond of the earliest window in them. */
    private static final class OpenBatch {
        final ReadingBatch readings;
        long firstWindowLastMs = Long.MAX_VALUE;

        OpenBatch(String tag) {
            readings = new ReadingBatch(tag, 16);
        }
    }
}
