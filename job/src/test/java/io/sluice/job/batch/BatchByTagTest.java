package io.sluice.job.batch;

import io.sluice.job.parse.DeadLetter;
import io.sluice.job.parse.ParsedRecord;
import io.sluice.reading.Quality;
import io.sluice.reading.Reading;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The batching before the keyBy, record by record and watermark by watermark. */
class BatchByTagTest {
    private static final long BEGINNING = 1_795_735_260_000L; // a whole minute
    private static final String PUMP = "plant1.area03.pump007.pressure";
    private static final String VALVE = "plant1.area03.valve02.open";

    private OneInputStreamOperatorTestHarness<ParsedRecord, ReadingBatch> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new BatchByTag(1000, 4));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void reading(String tag, long offset, double value) throws Exception {
        harness.processElement(
                new StreamRecord<>(
                        ParsedRecord.of(
                                new Reading(tag, BEGINNING + offset, value, Quality.GOOD),
                                tag.equals(PUMP) ? 0 : -1), // one by id, one by tag
                        BEGINNING + offset));
    }

    private void watermark(long offset) throws Exception {
        harness.processWatermark(new Watermark(BEGINNING + offset));
    }

    /** What came out since the last call: "tag:offset,offset" per batch, "wm:offset" per mark. */
    private List<String> output() {
        List<String> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof Watermark) {
                out.add("wm:" + (((Watermark) o).getTimestamp() - BEGINNING));
            } else {
                @SuppressWarnings("unchecked")
                ReadingBatch b = ((StreamRecord<ReadingBatch>) o).getValue();
                StringBuilder s = new StringBuilder(b.tag.substring(b.tag.lastIndexOf('.') + 1));
                for (int i = 0; i < b.size; i++) {
                    s.append(i == 0 ? ':' : ',').append(b.ts[i] - BEGINNING);
                }
                out.add(s.toString());
            }
        }
        harness.getOutput().clear();
        return out;
    }

    @Test
    void aTagsReadingsGoOutTogetherJustBeforeTheWatermarkThatClosesTheirFirstWindow()
            throws Exception {
        reading(PUMP, 100, 1);
        reading(VALVE, 200, 0);
        reading(PUMP, 1200, 2); // the next window: rides along
        reading(PUMP, 300, 3); // out of order
        watermark(998);
        assertThat(output()).containsExactly("wm:998");

        watermark(999);

        assertThat(output())
                .containsExactlyInAnyOrder("pressure:100,1200,300", "open:200", "wm:999")
                .endsWith("wm:999");
    }

    @Test
    void aDeadLetterGoesToItsSideOutputAndNotIntoABatch() throws Exception {
        reading(PUMP, 100, 1);
        DeadLetter letter = new DeadLetter();
        letter.key = PUMP.getBytes(StandardCharsets.US_ASCII);
        letter.value = "{".getBytes(StandardCharsets.US_ASCII);
        letter.reason = "MALFORMED_JSON";
        harness.processElement(new StreamRecord<>(ParsedRecord.of(letter), BEGINNING + 150));
        reading(PUMP, 200, 2);
        watermark(999);

        assertThat(harness.getSideOutput(BatchByTag.DEAD_LETTERS))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getValue().reason).isEqualTo("MALFORMED_JSON");
                            assertThat(r.getValue().value).isEqualTo(letter.value);
                            assertThat(r.getTimestamp()).isEqualTo(BEGINNING + 150);
                        });
        assertThat(output()).containsExactly("pressure:100,200", "wm:999");
    }

    @Test
    void aReadingWhoseWindowClosedHereGoesOutAloneAtOnce() throws Exception {
        watermark(1500);
        output();

        reading(PUMP, 999, 5); // late: the windows decide what it revises
        reading(PUMP, 1999, 6); // on time: waits

        assertThat(output()).containsExactly("pressure:999");
    }

    @Test
    void nothingWaitsAcrossACheckpointBarrier() throws Exception {
        reading(PUMP, 100, 1);
        reading(VALVE, 200, 0);

        harness.prepareSnapshotPreBarrier(1);

        assertThat(output()).containsExactlyInAnyOrder("pressure:100", "open:200");
        assertThat(harness.snapshot(1, 1).getManagedOperatorState())
                .as("no operator state: the batches went out before the barrier")
                .isEmpty();
    }

    @Test
    void aFullBatchGoesOutWithoutWaitingForTheWatermark() throws Exception {
        for (int i = 0; i < 5; i++) {
            reading(PUMP, 100 * i, i);
        }

        assertThat(output()).containsExactly("pressure:0,100,200,300");
        watermark(999);
        assertThat(output()).containsExactly("pressure:400", "wm:999");
    }

    @Test
    void theEndOfTheInputFlushesEverything() throws Exception {
        reading(PUMP, 100, 1);

        harness.endInput();

        assertThat(output()).containsExactly("pressure:100");
    }

    /** The windows stop waiting for an idle input: what it holds must reach them before that. */
    @Test
    void anIdleInputSendsWhatItHoldsBeforeItSaysSo() throws Exception {
        reading(PUMP, 100, 1);

        harness.processWatermarkStatus(WatermarkStatus.IDLE);

        List<Object> out = new ArrayList<>(harness.getOutput());
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isInstanceOf(StreamRecord.class);
        assertThat(out.get(1)).isEqualTo(WatermarkStatus.IDLE);
    }
}
