package io.sluice.job;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The job's command line, as {@code flink run sluice-job.jar ARGS} passes it; nothing runs. */
class SluiceJobCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return SluiceJobCommand.execute(
                args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void takesAKeyAndItsValueAsTwoArgumentsAsFlinkRunUsersPassThem() {
        // A wrong state backend fails in JobSettings, before any connection: the error shows that
        // both flags reached the configuration, each named as its source.
        assertThat(run("--kafka.bootstrap.servers", "host:9092", "--job.state.backend", "heap"))
                .isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo(
                        "sluice-job: job.state.backend = 'heap' (from flag --job.state.backend)"
                                + " is not hashmap or rocksdb\n");
    }

    @Test
    void takesKeyEqualsValueToo() {
        assertThat(run("--job.parallelism=2", "--job.window.sizes=1s,x")).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo(
                        "sluice-job: job.window.sizes = '1s,x' (from flag --job.window.sizes)"
                                + " has 'x', which is not a duration\n");
    }

    @Test
    void theLastOfARepeatedKeyWins() {
        // submit.sh passes the addresses first; a user's own value after them overrides them.
        assertThat(run("--job.state.backend", "heap", "--job.state.backend=disk")).isEqualTo(2);
        assertThat(err.toString()).contains("job.state.backend = 'disk'");
    }

    @Test
    void anUnknownKeyIsOneLineAndExitCodeTwo() {
        assertThat(run("--job.paralellism", "2")).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("sluice-job: Unknown option")
                .contains("'--job.paralellism'")
                .hasLineCount(1)
                .endsWith("(see --help)\n");
    }

    @Test
    void helpSaysThatAnyKeyIsAFlag() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("Usage: sluice-job")
                .contains("Any key of conf/sluice.properties is a flag too");
    }
}
