package io.sluice.config;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigCommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** A command with one flag of its own; it keeps the configuration it ran with. */
    @Command(name = "probe", mixinStandardHelpOptions = true)
    static final class Probe implements Callable<Integer> {
        @Option(names = "--tags", descriptionKey = ConfigKeys.SIMULATOR_TAGS)
        String tags;

        @Spec CommandSpec spec;

        final SluiceConfig defaults;
        SluiceConfig ran;

        Probe(SluiceConfig defaults) {
            this.defaults = defaults;
        }

        @Override
        public Integer call() {
            ran = ConfigCommandLine.withFlags(defaults, spec);
            return 0;
        }
    }

    private Probe probe;

    private int run(String... args) {
        return ConfigCommandLine.execute(
                "probe",
                config -> probe = new Probe(config),
                args,
                new PrintWriter(out, true),
                new PrintWriter(err, true));
    }

    @Test
    void everyKeyIsAFlagInBothForms() {
        assertThat(run("--kafka.bootstrap.servers", "host:9092", "--job.parallelism=2")).isZero();
        assertThat(probe.ran.get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("host:9092");
        assertThat(probe.ran.sourceOf(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS))
                .isEqualTo("flag --kafka.bootstrap.servers");
        assertThat(probe.ran.getInt(ConfigKeys.JOB_PARALLELISM)).isEqualTo(2);
        assertThat(probe.ran.sourceOf(ConfigKeys.SIMULATOR_TAGS)).isEqualTo("the defaults");
    }

    @Test
    void theCommandsOwnFlagAndTheKeyFlagSetTheSameKeyAndTheLastWins() {
        assertThat(run("--tags", "5", "--simulator.tags", "7")).isZero();
        assertThat(probe.ran.getInt(ConfigKeys.SIMULATOR_TAGS)).isEqualTo(7);
        assertThat(run("--simulator.tags=7", "--tags=5")).isZero();
        assertThat(probe.ran.getInt(ConfigKeys.SIMULATOR_TAGS)).isEqualTo(5);
    }

    @Test
    void helpListsConfButNotEachKeyFlag() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains(
                        "--tags", "--conf=FILE", "Any key of conf/sluice.properties is a flag too")
                .doesNotContain("--kafka.bootstrap.servers ", "--kafka.bootstrap.servers=VALUE");
    }

    @Test
    void anUnknownFlagIsOneLineWithExitCodeTwo() {
        assertThat(run("--kafka.bootstrap.server", "host:9092")).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("probe: Unknown option")
                .contains("'--kafka.bootstrap.server'")
                .endsWith("(see --help)\n")
                .hasLineCount(1);
    }
}
