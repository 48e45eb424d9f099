package io.sluice.update;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpdateKeysTest {
    @ParameterizedTest(name = "{0} at depth {1}: {2} / {3}")
    @CsvSource({
        "plant1.area03.pump007.pressure, 2, plant1.area03, pump007.pressure",
        "plant1.area03.pump007.pressure, 1, plant1, area03.pump007.pressure",
        "plant1.area03.pump007.pressure, 3, plant1.area03.pump007, pressure",
        "plant1.area03.pump007.pressure, 4, plant1.area03.pump007, pressure",
        "plant1.area03.pump007.pressure, 9, plant1.area03.pump007, pressure",
        "plant1.x, 2, plant1, x",
        "solo, 2, solo, ''",
    })
    void aGroupIsTheFirstSegmentsAndAlwaysLeavesAName(
            String tag, int depth, String group, String name) {
        assertThat(UpdateKeys.groupOf(tag, depth)).isEqualTo(group);
        assertThat(UpdateKeys.nameInGroup(tag, depth)).isEqualTo(name);
        assertThat(UpdateKeys.tagOf(group, name)).isEqualTo(tag);
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
        "1000, 1s",
        "60000, 1m",
        "300000, 5m",
        "3600000, 1h",
        "86400000, 1d",
        "250, 250ms",
        "1500, 1500ms",
        "90000, 90s"
    })
    void windowSizesAreLabelledInTheirLargestWholeUnit(long ms, String label) {
        assertThat(UpdateKeys.windowLabel(ms)).isEqualTo(label);
    }

    @Test
    void keysJoinPrefixWindowAndGroupWithColons() {
        assertThat(UpdateKeys.streamKey(UpdateKeys.DEFAULT_STREAM_PREFIX, 1000))
                .isEqualTo("sluice:updates:1s");
        assertThat(UpdateKeys.latestKey(UpdateKeys.DEFAULT_LATEST_PREFIX, 60_000, "plant1.area03"))
                .isEqualTo("sluice:latest:1m:plant1.area03");
    }

    @Test
    void depthAndWindowMustBePositive() {
        assertThatThrownBy(() -> UpdateKeys.groupOf("a.b", 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> UpdateKeys.windowLabel(0)).hasMessageContaining("positive");
    }
}
