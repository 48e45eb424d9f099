package io.sluice.job.window;

import io.sluice.job.batch.ReadingBatch;
import io.sluice.reading.Quality;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The window operator driven record by record and watermark by watermark. */
class TagWindowsTest {
    private static final long BEGINNING = 1_795_735_260_000L; // a whole minute
    private static final String TAG = "plant1.area03.pump007.pressure";

    private KeyedOneInputStreamOperatorTestHarness<String, ReadingBatch, WindowStats> harness;

    @BeforeEach
    void open() throws Exception {
        // 1 s and 3 s windows, 1.5 s of allowed lateness.
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new TagWindows(new long[] {1000, 3000}, 1500), b -> b.tag, Types.STRING);
    }

    private void reading(long offset, double value) throws Exception {
        harness.processElement(
                ReadingBatch.of(new Reading(TAG, BEGINNING + offset, value, Quality.GOOD)),
                BEGINNING + offset);
    }

    private void watermark(long offset) throws Exception {
        harness.processWatermark(new Watermark(BEGINNING + offset));
    }

    private List<WindowStats> emitted() {
        List<WindowStats> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    @Test
    void aWindowClosesWhenTheWatermarkReachesItsLastMillisecond() throws Exception {
        reading(100, 2);
        reading(600, 4);
        watermark(998);
        assertThat(emitted()).isEmpty();

        watermark(999);

        List<WindowStats> out = emitted();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).windowStart).isEqualTo(BEGINNING);
        assertThat(out.get(0).count).isEqualTo(2);
        assertThat(out.get(0).revision).isZero();
    }

    /**
     * The replay after a restore: a reading that was late the first time (revision 1, stored) is on
     * time in the replay, whose watermark rises anew, so the complete window comes as the first
     * emission of the restored run; it must still supersede the stored revision 1.
     */
    @Test
    void aWindowEmittedAfterARestoreSupersedesWhatTheEarlierRunEmitted() throws Exception {
        var snapshot = harness.snapshot(1, 1); // before the window's readings
        reading(100, 2);
        watermark(999);
        reading(900, 6); // late: revision 1, two readings
        List<WindowStats> firstRun = emitted();
        assertThat(firstRun).extracting(w -> w.revision).containsExactly(0, 1);

        harness.close();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new TagWindows(new long[] {1000, 3000}, 1500)),
                        b -> b.tag,
                        Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        reading(100, 2);
        reading(900, 6); // on time in the replay
        watermark(999);

        List<WindowStats> replay = emitted();
        assertThat(replay).hasSize(1);
        assertThat(replay.get(0).count).isEqualTo(2);
        assertThat(replay.get(0).revision)
                .as("the replay's first emission against the first run's last")
                .isGreaterThan(firstRun.get(1).revision)
                .isEqualTo(TagWindows.REVISIONS_PER_EPOCH);
    }

    @Test
    void aLateReadingWithinTheLatenessRevisesItsWindowAndTheNextOne() throws Exception {
        reading(100, 2);
        reading(1500, 8);
        watermark(1999);
        assertThat(emitted()).extracting(w -> w.windowStart - BEGINNING).containsExactly(0L, 1000L);

        reading(900, 6); // late for [0, 1000), and now the value held at 1000

        List<WindowStats> out = emitted();
        assertThat(out).extracting(w -> w.windowStart - BEGINNING).containsExactly(0L, 1000L);
        assertThat(out.get(0).revision).isEqualTo(1);
        assertThat(out.get(0).count).isEqualTo(2);
        assertThat(out.get(0).lastValue).isEqualTo(6);
        assertThat(out.get(1).revision).isEqualTo(1);
        assertThat(out.get(1).count).isEqualTo(1);
        // 6 held for 500 ms, then 8 for 500 ms
        assertThat(out.get(1).twa()).isEqualTo(7);
    }

    @Test
    void aReadingLaterThanTheLatenessGoesToTheLateOutput() throws Exception {
        reading(100, 2);
        watermark(2499); // [0, 1000) is final once the watermark reaches 999 + 1500

        reading(500, 3);

        assertThat(emitted()).extracting(w -> w.count).containsExactly(1L);
        assertThat(harness.getSideOutput(TagWindows.LATE))
                .extracting(r -> r.getValue().value)
                .containsExactly(3.0);
    }

    @Test
    void aCoarseWindowIsMergedFromTheFinestWhenItCloses() throws Exception {
        reading(100, 1);
        reading(1100, 3);
        reading(2100, 5);
        watermark(2998);
        assertThat(emitted()).extracting(w -> w.windowMs).containsExactly(1000L, 1000L);

        watermark(2999);

        List<WindowStats> out = emitted();
        assertThat(out).extracting(w -> w.windowMs).containsExactly(1000L, 3000L);
        WindowStats coarse = out.get(1);
        assertThat(coarse.count).isEqualTo(3);
        assertThat(coarse.mean).isEqualTo(3);
        assertThat(coarse.firstValue).isEqualTo(1);
        assertThat(coarse.lastValue).isEqualTo(5);
        assertThat(coarse.twaSpanMs).isEqualTo(2900);
    }

    @Test
    void aWatermarkThatJumpsOverSeveralCoarseWindowsClosesEachOfThem() throws Exception {
        // A backlog read at once: the first watermark lands far beyond three 3 s windows.
        for (long t = 100; t < 9000; t += 500) {
            reading(t, t / 100.0);
        }

        watermark(20_000);

        List<WindowStats> coarse = emitted().stream().filter(w -> w.windowMs == 3000).toList();
        assertThat(coarse)
                .extracting(w -> w.windowStart - BEGINNING)
                .containsExactly(0L, 3000L, 6000L);
        assertThat(coarse).extracting(w -> w.count).containsExactly(6L, 6L, 6L);
        assertThat(coarse.get(2).lastValue).isEqualTo(86.0);
    }

    @Test
    void aLateRevisionReachesTheCoarseWindowToo() throws Exception {
        reading(100, 1);
        reading(2100, 5);
        watermark(2999);
        emitted();

        reading(1500, 9);

        List<WindowStats> out = emitted();
        assertThat(
                        out.stream()
                                .map(
                                        w ->
                                                w.windowMs
                                                        + "@"
                                                        + (w.windowStart - BEGINNING)
                                                        + "r"
                                                        + w.revision)
                                .collect(Collectors.toList()))
                .containsExactly("1000@1000r0", "1000@2000r1", "3000@0r1");
        assertThat(out.get(1).twa())
                .as("9 held from 1500 until 2100")
                .isEqualTo((9 * 100 + 5 * 900) / 1000.0);
        assertThat(out.get(2).count).isEqualTo(3);
        assertThat(out.get(2).max).isEqualTo(9);
    }

    @Test
    void anExactDuplicateCountsOnce() throws Exception {
        reading(100, 2);
        reading(100, 2);
        watermark(999);
        assertThat(emitted()).extracting(w -> w.count).containsExactly(1L);
    }

    /** One timer a tag for its finest windows, wherever the readings of its open windows fall. */
    @Test
    void windowsOpenedOutOfOrderEachCloseAtTheirOwnWatermarkWithOneTimer() throws Exception {
        reading(2500, 3); // window 2 first
        reading(1500, 2); // then window 1: a new earliest open window
        reading(500, 1); // then window 0
        reading(2600, 4);
        // Fine timers at 999, 1999 and 2999 (each was the earliest open window when it came).
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);

        watermark(999);
        assertThat(emitted()).extracting(w -> w.windowStart - BEGINNING).containsExactly(0L);
        watermark(1998);
        assertThat(emitted()).isEmpty();
        watermark(1999);
        assertThat(emitted()).extracting(w -> w.windowStart - BEGINNING).containsExactly(1000L);

        reading(3100, 5); // with window 2 open: no timer of its own yet
        watermark(5999); // closes 2, 3, 4, 5 and the 3 s windows [0, 3000) and [3000, 6000)

        assertThat(emitted())
                .extracting(w -> w.windowMs + "@" + (w.windowStart - BEGINNING) + " n=" + w.count)
                .containsExactly("1000@2000 n=2", "1000@3000 n=1", "3000@0 n=4", "3000@3000 n=1");
    }

    /**
     * A batch is any subset of a tag's readings: random readings (out of order, late, duplicated)
     * cut into random batches give what they give one by one, emission for emission.
     */
    @Test
    void aBatchGivesExactlyWhatItsReadingsGiveOneByOne() throws Exception {
        Random random = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            List<Reading> readings = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                long t = BEGINNING + i * 50L - random.nextInt(5000); // out of order, some late
                Reading r = new Reading(TAG, t, random.nextInt(20), Quality.values()[i % 3]);
                readings.add(r);
                if (random.nextInt(20) == 0) {
                    readings.add(r); // a duplicate
                }
            }
            var single = newHarness();
            var batched = newHarness();
            int i = 0;
            long watermark = BEGINNING - 1;
            long newest = watermark;
            while (i < readings.size()) {
                int n = 1 + random.nextInt(12);
                ReadingBatch batch = new ReadingBatch(TAG, n);
                for (int k = 0; k < n && i < readings.size(); k++, i++) {
                    Reading r = readings.get(i);
                    single.processElement(ReadingBatch.of(r), r.ts);
                    batch.add(r.ts, r.value, r.quality);
                    newest = Math.max(newest, r.ts);
                }
                batched.processElement(batch, batch.ts[0]);
                // Behind the newest reading by less than the disorder: some come late.
                watermark = Math.max(watermark, newest - random.nextInt(1000));
                single.processWatermark(new Watermark(watermark));
                batched.processWatermark(new Watermark(watermark));
            }
            single.processWatermark(new Watermark(Long.MAX_VALUE));
            batched.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(batched.extractOutputValues())
                    .as("trial %d", trial)
                    .isNotEmpty()
                    .isEqualTo(single.extractOutputValues());
            assertThat(batched.getSideOutput(TagWindows.LATE))
                    .extracting(r -> r.getValue())
                    .isNotEmpty()
                    .isEqualTo(
                            single.getSideOutput(TagWindows.LATE).stream()
                                    .map(r -> r.getValue())
                                    .collect(Collectors.toList()));
            single.close();
            batched.close();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ReadingBatch, WindowStats>
            newHarness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new TagWindows(new long[] {1000, 3000}, 1500), b -> b.tag, Types.STRING);
    }
}
