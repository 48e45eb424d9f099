package io.sluice.websocket.dashboard;

import io.sluice.update.WindowVersionVectors;
import io.sluice.update.WindowVersionVectors.Vector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's window-version.js, run by node, against the vectors of {@link
 * io.sluice.update.WindowVersion} (conf/samples/updates/supersedes.tsv). node must be on the PATH:
 * without it this test fails, it does not skip.
 */
class WindowVersionScriptTest {
    private static final String SCRIPT = "/io/sluice/websocket/dashboard/window-version.js";

    /** Loads the script as the page would (a global {@code window}), answers a line per vector. */
    private static final String RUNNER =
            "const fs = require('fs');\n"
                    + "const vm = require('vm');\n"
                    + "const page = { window: {} };\n"
                    + "vm.runInNewContext(fs.readFileSync(process.argv[2], 'utf8'), page);\n"
                    + "const supersedes = page.window.WindowVersion.supersedes;\n"
                    + "for (const line of fs.readFileSync(0, 'utf8').split('\\n')) {\n"
                    + "  if (!line) continue;\n"
                    + "  const [s, r, heldS, heldR] = line.split(' ').map(Number);\n"
                    + "  console.log(supersedes(s, r, heldS, heldR) ? 'new' : 'held');\n"
                    + "}\n";

    @TempDir Path dir;

    @Test
    void theDashboardsRuleFollowsTheSharedVectors() throws Exception {
        Path script = dir.resolve("window-version.js");
        try (InputStream in = WindowVersionScriptTest.class.getResourceAsStream(SCRIPT)) {
            Files.write(script, in.readAllBytes());
        }
        Path runner = Files.writeString(dir.resolve("runner.js"), RUNNER);
        List<Vector> vectors = WindowVersionVectors.all();
        String input =
                vectors.stream()
                        .map(
                                v ->
                                        v.windowStart()
                                                + " "
                                                + v.revision()
                                                + " "
                                                + v.heldStart()
                                                + " "
                                                + v.heldRevision()
                                                + "\n")
                        .collect(Collectors.joining());

        List<String> answers = node(runner, script, input);

        assertThat(answers).hasSameSizeAs(vectors);
        for (int i = 0; i < vectors.size(); i++) {
            Vector v = vectors.get(i);
            assertThat(answers.get(i)).as(v.toString()).isEqualTo(v.newWins() ? "new" : "held");
        }
    }

    private static List<String> node(Path runner, Path script, String input)
            throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder("node", runner.toString(), script.toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(p.exitValue()).as("node's exit code").isZero();
        return out.lines().toList();
    }
}
