package io.sluice.job.batch;

import io.sluice.job.parse.DeadLetter;
import io.sluice.job.parse.ParsedRecord;
import io.sluice.reading.Reading;

import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Folds each tag's readings into a {@link ReadingBatch} in the source's task, so that about one
 * record per tag and window crosses the keyBy instead of one per reading; and sends each dead
 * letter to its side output ({@link #DEAD_LETTERS}), counted in the metric {@value
 * #DEAD_LETTER_METRIC}.
 *
 * <p>The dead letters part here, not in an operator of their own between the source and this one:
 * an operator with a side output hands each of its records to every output it has, and Flink copies
 * the record's wrapper for each (object reuse on), which with two dead-letter consumers was two
 * allocations and two calls a reading. Here that happens once a batch.
 *
 * <p>Readings of a tag share a Kafka partition (the record key is the tag), so one source subtask
 * sees all of them. A tag's batch goes out when the watermark reaches the end of the earliest
 * finest window in it, before the watermark itself: the windows get every reading of a window
 * before the watermark that closes it, as they did reading by reading. A reading whose window had
 * already closed here goes out at once, in a batch of its own: it is late, and the windows decide
 * what that means. Nothing stays here across a checkpoint (all batches go out before the barrier)
 * or past the end of the input, so the operator has no state: exact under checkpoints, restores and
 * rescales alike. Everything also goes out when the input turns idle, since the windows then stop
 * waiting for this input's watermark. A batch also goes out when it holds {@code maxBatch}
 * readings, which bounds the memory while a stalled partition holds the watermark back.
 */
public final class BatchByTag extends AbstractStreamOperator<ReadingBatch>
        implements OneInputStreamOperator<ParsedRecord, ReadingBatch>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    public static final String DEAD_LETTER_METRIC = "deadLetters";
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final long windowMs;
    private final int maxBatch;

    /**
     * Every tag seen, with its batch, kept so that a batch's arrays serve again and again: by tag
     * id (the decoder's tag cache numbers its tags), or by tag for a record without an id.
     */
    private transient OpenBatch[] byTagId;

    private transient HashMap<String, OpenBatch> byTag;

    /** The tags whose batch holds readings. */
    private transient ArrayList<OpenBatch> waiting;

    private transient long watermark;
    private transient Counter batches;
    private transient Counter deadLetters;

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
        byTagId = new OpenBatch[1024];
        byTag = new HashMap<>();
        waiting = new ArrayList<>();
        watermark = Long.MIN_VALUE;
        batches = getMetricGroup().counter("readingBatches");
        deadLetters = getMetricGroup().counter(DEAD_LETTER_METRIC);
    }

    @Override
    public void processElement(StreamRecord<ParsedRecord> element) {
        Reading r = element.getValue().reading;
        if (r == null) {
            deadLetters.inc();
            DeadLetter letter = element.getValue().deadLetter;
            output.collect(
                    DEAD_LETTERS,
                    element.hasTimestamp()
                            ? new StreamRecord<>(letter, element.getTimestamp())
                            : new StreamRecord<>(letter));
            return;
        }
        long lastMs = r.ts - Math.floorMod(r.ts, windowMs) + windowMs - 1;
        if (lastMs <= watermark) {
            emit(ReadingBatch.of(r));
            return;
        }
        OpenBatch batch = batchOf(r.tag, element.getValue().tagId);
        if (!batch.waiting) {
            waiting.add(batch);
            batch.waiting = true;
        }
        batch.readings.add(r.ts, r.value, r.quality);
        batch.firstWindowLastMs = Math.min(batch.firstWindowLastMs, lastMs);
        if (batch.readings.size >= maxBatch) {
            send(batch); // stays in waiting, empty, until the next watermark
        }
    }

    private OpenBatch batchOf(String tag, int tagId) {
        if (tagId < 0) {
            return byTag.computeIfAbsent(tag, OpenBatch::new);
        }
        if (tagId >= byTagId.length) {
            byTagId = Arrays.copyOf(byTagId, Math.max(tagId + 1, byTagId.length * 2));
        }
        OpenBatch batch = byTagId[tagId];
        if (batch == null || !batch.readings.tag.equals(tag)) { // a new cache numbers anew
            batch = byTag.computeIfAbsent(tag, OpenBatch::new);
            byTagId[tagId] = batch;
        }
        return batch;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        int kept = 0;
        for (int i = 0; i < waiting.size(); i++) {
            OpenBatch batch = waiting.get(i);
            if (batch.readings.size > 0 && batch.firstWindowLastMs <= watermark) {
                send(batch);
            }
            if (batch.readings.size > 0) {
                waiting.set(kept++, batch);
            } else {
                batch.waiting = false;
            }
        }
        waiting.subList(kept, waiting.size()).clear();
        super.processWatermark(mark);
    }

    /**
     * An idle input (no records for the idleness timeout) stops holding back the windows'
     * watermark, so whatever waits here must reach them first: else their windows would close
     * without it.
     */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            sendAll();
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        sendAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        sendAll();
    }

    private void sendAll() {
        for (OpenBatch batch : waiting) {
            if (batch.readings.size > 0) {
                send(batch);
            }
            batch.waiting = false;
        }
        waiting.clear();
    }

    /**
     * Emits a tag's batch and empties it. The batch goes out through the keyBy, whose output
     * serializes it within this call, so its arrays can take the next readings at once.
     */
    private void send(OpenBatch batch) {
        emit(batch.readings);
        batch.readings.size = 0;
        batch.firstWindowLastMs = Long.MAX_VALUE;
    }

    private void emit(ReadingBatch batch) {
        batches.inc();
        output.collect(new StreamRecord<>(batch, batch.ts[0]));
    }

    /** A tag's readings waiting to go, and the last millisecond of the earliest window in them. */
    private static final class OpenBatch {
        final ReadingBatch readings;
        long firstWindowLastMs = Long.MAX_VALUE;

        /** Whether it is in the waiting list. */
        boolean waiting;

        OpenBatch(String tag) {
            readings = new ReadingBatch(tag, 16);
        }
    }
}
