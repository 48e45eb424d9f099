package io.sluice.job.faults;

import io.sluice.job.parse.DeadLetter;
import io.sluice.reading.Quality;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FaultCountsTest {
    private static final long MINUTE = 1_795_735_260_000L; // a whole minute
    private static final String TAG = "plant1.area03.pump007.pressure";

    private static DeadLetter deadLetter(String key, String reason, long timestamp) {
        DeadLetter d = new DeadLetter();
        d.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        d.reason = reason;
        d.timestamp = timestamp;
        return d;
    }

    @Test
    void eachSourceAndMinuteGetsItsRunningTotals() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, FaultCount, FaultCount> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new FaultCounts(60_000), FaultCount::key, Types.STRING);

        harness.processElement(FaultCount.late(new Reading(TAG, MINUTE + 5, 1, Quality.GOOD)), 0);
        harness.processElement(
                FaultCount.late(new Reading(TAG, MINUTE + 59_999, 2, Quality.GOOD)), 0);
        harness.processElement(FaultCount.deadLetter(deadLetter(TAG, "BAD_JSON", MINUTE + 7)), 0);
        harness.processElement(
                FaultCount.late(new Reading(TAG, MINUTE + 60_000, 3, Quality.GOOD)), 0);
        harness.processElement(
                FaultCount.deadLetter(deadLetter("not a tag!", "BAD_TAG", MINUTE + 1)), 0);
        harness.processElement(FaultCount.deadLetter(deadLetter(null, "NO_KEY", MINUTE + 2)), 0);

        List<String> out = harness.extractOutputValues().stream().map(String::valueOf).toList();
        assertThat(out)
                .containsExactly(
                        TAG + "@" + MINUTE + ": late 1, dead letters 0",
                        TAG + "@" + MINUTE + ": late 2, dead letters 0",
                        TAG + "@" + MINUTE + ": late 2, dead letters 1",
                        TAG + "@" + (MINUTE + 60_000) + ": late 1, dead letters 0",
                        "reason:BAD_TAG@" + MINUTE + ": late 0, dead letters 1",
                        "reason:NO_KEY@" + MINUTE + ": late 0, dead letters 1");
    }
}
