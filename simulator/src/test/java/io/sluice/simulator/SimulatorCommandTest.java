package io.sluice.simulator;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad settings give one clear line and a non-zero exit, never a stack trace. */
class SimulatorCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return SimulatorCommand.execute(
                args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private String errorLine() {
        String text = err.toString().strip();
        assertThat(text.lines().count()).as("lines on stderr: %s", text).isEqualTo(1);
        assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
        return text;
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        assertThat(run("--frobnicate")).isEqualTo(2);
        assertThat(errorLine()).isEqualTo("simulator: Unknown option: '--frobnicate' (see --help)");
    }

    @Test
    void aNegativeRateIsAUsageError() {
        assertThat(run("--bootstrap-servers=127.0.0.1:9092", "--rate=-5")).isEqualTo(2);
        assertThat(errorLine())
                .isEqualTo(
                        "simulator: simulator.rate = '-5' (from flag --rate) must be a positive number of readings per second, realtime or max");
    }

    @Test
    void theEmbeddedPlaceholderAsksForARealBroker() {
        assertThat(run("--count=1")).isEqualTo(1);
        assertThat(errorLine())
                .contains(
                        "the simulator needs a running broker; pass --bootstrap-servers=HOST:PORT");
    }

    @Test
    void aMalformedBootstrapAddressIsNamed() {
        assertThat(run("--bootstrap-servers=no-port-here", "--count=1")).isEqualTo(1);
        assertThat(errorLine()).contains("'no-port-here' is not usable");
    }

    @Test
    void anUnreachableBrokerFailsWithinSeconds() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(run("--bootstrap-servers=127.0.0.1:" + closedPort, "--count=1")).isEqualTo(1);
        assertThat(errorLine())
                .isEqualTo(
                        "simulator: cannot reach Kafka at 127.0.0.1:" + closedPort + " within 5 s");
    }

    @Test
    void asAProcessAnUnreachableBrokerPrintsOneLineOnStderrAndNoLogs() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Process p =
                new ProcessBuilder(
                                System.getProperty("java.home") + "/bin/java",
                                "-cp",
                                System.getProperty("java.class.path"),
                                SimulatorCommand.class.getName(),
                                "--bootstrap-servers=127.0.0.1:" + closedPort,
                                "--count=1")
                        .start();
        String stderr = new String(p.getErrorStream().readAllBytes()).strip();
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(stderr)
                .isEqualTo(
                        "simulator: cannot reach Kafka at 127.0.0.1:" + closedPort + " within 5 s");
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("--rate=N|realtime|max")
                .contains("(default: realtime)")
                .contains("--copy-to=FILE");
    }
}
