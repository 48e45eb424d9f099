package io.sluice.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SluiceConfigTest {
    @TempDir Path dir;

    @Test
    void defaultsComeFromTheConfFile() {
        SluiceConfig config = SluiceConfig.load(Map.of(), Map.of());
        assertThat(config.get("kafka.bootstrap.servers")).isEqualTo("embedded");
        assertThat(config.getInt("simulator.tags")).isEqualTo(1000);
        assertThat(config.sourceOf("simulator.tags")).isEqualTo("the defaults");
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverrideTheLayerBefore() throws IOException {
        Path file = dir.resolve("mine.properties");
        Files.writeString(file, "simulator.tags=5\nsimulator.seed=6\nsimulator.rate=7\n");
        Map<String, String> env =
                Map.of(
                        "SLUICE_CONF",
                        file.toString(),
                        "SLUICE_SIMULATOR_SEED",
                        "60",
                        "SLUICE_SIMULATOR_RATE",
                        "70");

        SluiceConfig config = SluiceConfig.load(env, SluiceConfig.flagsOf("--simulator.rate=700"));

        assertThat(config.get("simulator.tags")).isEqualTo("5");
        assertThat(config.get("simulator.seed")).isEqualTo("60");
        assertThat(config.get("simulator.rate")).isEqualTo("700");
        assertThat(config.sourceOf("simulator.tags")).isEqualTo("file " + file);
        assertThat(config.sourceOf("simulator.seed"))
                .isEqualTo("environment variable SLUICE_SIMULATOR_SEED");
        assertThat(config.sourceOf("simulator.rate")).isEqualTo("flag --simulator.rate");
    }

    @Test
    void confFlagNamesTheFileAndWinsOverTheEnvironment() throws IOException {
        Path env = dir.resolve("env.properties");
        Path flag = dir.resolve("flag.properties");
        Files.writeString(env, "simulator.tags=1\n");
        Files.writeString(flag, "simulator.tags=2\n");
        SluiceConfig config =
                SluiceConfig.load(
                        Map.of("SLUICE_CONF", env.toString()),
                        SluiceConfig.flagsOf("--conf", flag.toString()));
        assertThat(config.getInt("simulator.tags")).isEqualTo(2);
    }

    @Test
    void unknownKeysInAFileOrFlagAreErrorsThatNameTheirSource() throws IOException {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "kafka.bootstrap.server=x:9092\n");
        assertThatThrownBy(
                        () -> SluiceConfig.load(Map.of("SLUICE_CONF", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap.server")
                .hasMessageContaining("file " + file);
        assertThatThrownBy(() -> SluiceConfig.load(Map.of(), Map.of("simulator.tagz", "3")))
                .hasMessageContaining("flag --simulator.tagz");
    }

    @Test
    void malformedValuesNameTheKeyTheValueAndTheSource() {
        SluiceConfig config = SluiceConfig.load(Map.of("SLUICE_SIMULATOR_TAGS", "many"), Map.of());
        assertThatThrownBy(() -> config.getInt("simulator.tags"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "simulator.tags = 'many' (from environment variable SLUICE_SIMULATOR_TAGS) is not a whole number");
    }

    @Test
    void aPositiveNumberMustBeAtLeastOne() {
        SluiceConfig config = SluiceConfig.load(Map.of(), Map.of("simulator.tags", "0"));
        assertThatThrownBy(() -> config.getPositiveInt("simulator.tags"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("simulator.tags = '0' (from flag --simulator.tags) must be at least 1");
        assertThat(config.with("simulator.tags", "1").getPositiveInt("simulator.tags"))
                .isEqualTo(1);
    }

    @Test
    void fractionsOutsideZeroToOneAreRejected() {
        SluiceConfig config =
                SluiceConfig.load(Map.of(), Map.of("simulator.faults.duplicate.fraction", "1.5"));
        assertThatThrownBy(() -> config.getFraction("simulator.faults.duplicate.fraction"))
                .hasMessageContaining("is not a fraction between 0 and 1");
    }

    @Test
    void flagsNeedAValue() {
        assertThatThrownBy(() -> SluiceConfig.flagsOf("--simulator.tags"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs a value");
        assertThat(SluiceConfig.flagsOf("run", "--a=1", "--b", "2"))
                .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void environmentNamesAreCapitalisedWithUnderscores() {
        assertThat(SluiceConfig.envName("simulator.faults.out-of-order.fraction"))
                .isEqualTo("SLUICE_SIMULATOR_FAULTS_OUT_OF_ORDER_FRACTION");
    }

    @Test
    void durationsTakeShortAndIsoForms() {
        assertThat(SluiceConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SluiceConfig.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(SluiceConfig.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(SluiceConfig.parseDuration("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> SluiceConfig.parseDuration("soon"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyKeyInTheDefaultsFileIsDocumentedByTheCommentAboveIt() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("sluice.properties"));
        List<String> undocumented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.isEmpty() && !line.startsWith("#")) {
                if (i == 0
                        || !lines.get(i - 1).trim().startsWith("#")
                        || lines.get(i - 1).trim().length() < 10) {
                    undocumented.add(line);
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }
}
