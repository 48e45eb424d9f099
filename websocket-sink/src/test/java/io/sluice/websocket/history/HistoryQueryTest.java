package io.sluice.websocket.history;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryQueryTest {
    private static final HistorySettings SETTINGS =
            new HistorySettings(
                    100,
                    Duration.ofDays(7),
                    1,
                    "jdbc:postgresql://127.0.0.1/postgres",
                    "sluice",
                    "",
                    List.of(1000L, 60_000L));

    @Test
    void defaultsAreOneSecondWindowsAsJsonUpToTheMaximumRows() {
        HistoryQuery query =
                parse("tag", "plant1.area03.pump007.pressure", "from", "1000", "to", "2000");

        assertThat(query)
                .isEqualTo(
                        new HistoryQuery(
                                "plant1.area03.pump007.pressure",
                                null,
                                1000,
                                2000,
                                1000,
                                0,
                                HistoryFormat.JSON,
                                100,
                                HistoryShape.PLAIN));
        assertThat(query.isRollup()).isFalse();
    }

    @Test
    void withoutFromAndToTheLastFiveMinutesUpToNow() {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        parameters.put("prefix", List.of("plant1.area01"));
        parameters.put("window", List.of("1s"));

        HistoryQuery query = HistoryQuery.parse(parameters, SETTINGS, 1_000_000_000L);

        assertThat(query.fromMs()).isEqualTo(1_000_000_000L - 300_000);
        assertThat(query.toMs()).isEqualTo(1_000_000_000L);
        assertThat(parse("tag", "a.b", "to", "600000").fromMs()).isEqualTo(300_000);
    }

    @Test
    void aWindowSizeTheJobDoesNotStoreIsRefusedWithTheStoredSizes() {
        assertThatThrownBy(() -> parse("tag", "a.b", "from", "0", "to", "1", "window", "7s"))
                .isInstanceOf(BadHistoryQueryException.class)
                .hasMessage("'window' (7s) is not a stored window size; the job stores 1s, 1m");
    }

    @Test
    void timesAreEpochMillisecondsOrIsoInstantsWithAnyOffset() {
        HistoryQuery query =
                parse(
                        "prefix",
                        "plant1",
                        "from",
                        "2026-11-27T10:00:00Z",
                        "to",
                        "2026-11-27T11:30:00.250+01:00");

        assertThat(query.fromMs()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z").toEpochMilli());
        assertThat(query.toMs())
                .isEqualTo(Instant.parse("2026-11-27T10:30:00.250Z").toEpochMilli());
    }

    @Test
    void aBucketAndAWindowTakeTheConfigurationsDurationStyle() {
        HistoryQuery query =
                parse(
                        "prefix",
                        "plant1.area03",
                        "from",
                        "0",
                        "to",
                        "86400000",
                        "window",
                        "1m",
                        "bucket",
                        "PT1H",
                        "format",
                        "csv",
                        "limit",
                        "5");

        assertThat(query.windowMs()).isEqualTo(60_000);
        assertThat(query.bucketMs()).isEqualTo(3_600_000);
        assertThat(query.isRollup()).isTrue();
        assertThat(query.format()).isEqualTo(HistoryFormat.CSV);
        assertThat(query.limit()).isEqualTo(5);
    }

    @Test
    void aTagLongerThanTheReadingsContractAllowsIsRefused() {
        String tag =
                "a".repeat(64) + "." + "b".repeat(64) + "." + "c".repeat(64) + "." + "d".repeat(10);

        assertThatThrownBy(() -> parse("tag", tag, "from", "0", "to", "1"))
                .isInstanceOf(BadHistoryQueryException.class)
                .hasMessageContaining("'tag'");
    }

    private static HistoryQuery parse(String... nameValues) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            parameters.put(nameValues[i], List.of(nameValues[i + 1]));
        }
        return HistoryQuery.parse(parameters, SETTINGS);
    }
}
