package io.sluice.simulator;

import io.sluice.config.ConfigException;
import io.sluice.config.SluiceConfig;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorSettingsTest {
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-11-26T10:00:00.123Z"), ZoneOffset.UTC);

    private static SimulatorSettings settings(Map<String, String> flags) {
        return SimulatorSettings.fromConfig(SluiceConfig.load(Map.of(), flags), CLOCK);
    }

    @Test
    void realtimeRateKeepsEventTimeInStepWithTheClock() {
        SimulatorSettings s =
                settings(Map.of("simulator.tags", "2000", "simulator.interval.ms", "100"));
        assertThat(s.ratePerSecond()).isEqualTo(20_000);
    }

    @Test
    void maxRateIsUnthrottled() {
        assertThat(settings(Map.of("simulator.rate", "max")).unthrottled()).isTrue();
    }

    @Test
    void aNegativeRateIsAClearError() {
        assertThatThrownBy(() -> settings(Map.of("simulator.rate", "-5")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "simulator.rate = '-5' (from flag --simulator.rate) must be a positive number of readings per second, realtime or max");
    }

    @Test
    void startTimeNowIsRoundedDownToTheInterval() {
        assertThat(settings(Map.of()).startTs())
                .isEqualTo(Instant.parse("2026-11-26T10:00:00.100Z").toEpochMilli());
        assertThat(settings(Map.of("simulator.start.time", "2026-01-01T00:00:00Z")).startTs())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void impossibleFaultSettingsAreConfigErrors() {
        assertThatThrownBy(
                        () ->
                                settings(
                                        Map.of(
                                                "simulator.faults.out-of-order.fraction",
                                                "0.7",
                                                "simulator.faults.late.fraction",
                                                "0.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("add up to more than 1");
    }
}
