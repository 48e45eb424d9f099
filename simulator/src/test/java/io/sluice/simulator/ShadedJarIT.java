package io.sluice.simulator;

import io.sluice.local.EmbeddedKafka;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runnable jar, as {@code package} built it, run as a person runs it: {@code java -jar}, with
 * nothing else on the classpath.
 *
 * <p>Its path comes from failsafe's configuration (system property {@value #JAR_PROPERTY}).
 */
class ShadedJarIT {
    static final String JAR_PROPERTY = "sluice.shaded.jar";

    @TempDir Path dir;

    private static Path jar;

    @BeforeAll
    static void findJar() {
        String path = System.getProperty(JAR_PROPERTY);
        assertThat(path)
                .as("system property " + JAR_PROPERTY + " (simulator/pom.xml)")
                .isNotBlank();
        jar = Path.of(path);
        assertThat(jar).as("the shaded jar; run `mvn package` first").isRegularFile();
    }

    @Test
    void helpListsTheFlags() throws Exception {
        Result help = run("--help");

        assertThat(help.exit).isZero();
        assertThat(help.stdout).startsWith("Usage: simulator").contains("--bootstrap-servers");
        assertThat(help.stderr).isEmpty();
    }

    @Test
    void producesItsReadingsToKafka() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka")).start()) {
            Result result =
                    run(
                            "--bootstrap-servers=" + kafka.bootstrapServers(),
                            "--topic=jar.readings",
                            "--tags=10",
                            "--count=500",
                            "--rate=max");

            assertThat(result.exit).as(result.stderr).isZero();
            Map<String, List<String>> perTag =
                    SimulatorKafkaIT.consumeAll(kafka.bootstrapServers(), "jar.readings", 500);
            assertThat(perTag).hasSize(10);
            // A jar that lost log4j's plugins or a service file complains on stderr.
            assertThat(result.stderr).doesNotContain("StatusLogger", "ERROR", "Exception");
        }
    }

    @Test
    void aWrongSettingIsOneLine() throws Exception {
        Result result = run("--tags=many");

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.stderr).startsWith("simulator: simulator.tags = 'many'").hasLineCount(1);
    }

    private record Result(int exit, String stdout, String stderr) {}

    private Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process child =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        child.getOutputStream().close();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("java -jar " + jar + " did not end within 60 s");
        }
        return new Result(child.exitValue(), Files.readString(out), Files.readString(err));
    }
}
