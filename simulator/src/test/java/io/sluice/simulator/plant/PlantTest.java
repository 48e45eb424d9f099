package io.sluice.simulator.plant;

import io.sluice.reading.ReadingCodec;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlantTest {
    @Test
    void buildsExactlyTheRequestedNumberOfUniqueValidTags() {
        Plant plant = Plant.build(10_007, 100, 42);
        Set<String> names = new HashSet<>();
        for (PlantTag tag : plant.tags()) {
            assertThat(ReadingCodec.isValidTag(tag.name())).isTrue();
            assertThat(tag.name()).matches("plant\\d+\\.area\\d{2}\\.[a-z]+\\d{3}\\.[a-z]+");
            names.add(tag.name());
        }
        assertThat(plant.size()).isEqualTo(10_007);
        assertThat(names).hasSize(10_007);
    }

    @Test
    void theSameSeedBuildsTheSamePlant() {
        List<String> a = Plant.build(500, 100, 9).tags().stream().map(PlantTag::name).toList();
        List<String> b = Plant.build(500, 100, 9).tags().stream().map(PlantTag::name).toList();
        List<String> c = Plant.build(500, 100, 10).tags().stream().map(PlantTag::name).toList();
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void phasesSpreadTheTagsOverTheInterval() {
        Plant plant = Plant.build(1000, 100, 1);
        assertThat(plant.tags().get(0).phaseMs()).isZero();
        assertThat(plant.tags().get(500).phaseMs()).isEqualTo(50);
        assertThat(plant.tags().get(999).phaseMs()).isEqualTo(99);
    }

    @Test
    void digitalPointsReadOnlyZeroOrOne() {
        Plant plant = Plant.build(2000, 100, 3);
        for (PlantTag tag : plant.tags()) {
            if (tag.name().endsWith(".running") || tag.name().endsWith(".open")) {
                for (long ts = 0; ts < 100_000; ts += 100) {
                    tag.advance(ts);
                    assertThat(tag.value()).isIn(0.0, 1.0);
                }
            }
        }
    }
}
