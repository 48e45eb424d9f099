package io.sluice.notebooks;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.demo.Demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every notebook, run headless by Debian's /usr/bin/python3 (nbclient) against the PostgreSQL of a
 * short run of the whole pipeline (the simulator with its faults, the job, the embedded services):
 * no cell may raise, and each notebook's key numbers equal the same figures asked of the database
 * here. The executed notebooks and their figures stay in notebooks/target/ for a reviewer. Bad
 * input (an unknown tag, a database that does not answer) ends a notebook with one line.
 */
class NotebooksIT {
    private static final Path NOTEBOOKS = Path.of("").toAbsolutePath();
    private static final Path OUT = NOTEBOOKS.resolve("target");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TAGS = 300;
    private static final int EVENT_SECONDS = 150;
    private static Path dir;
    private static Demo demo;
    private static SluiceConfig resolved;

    @BeforeAll
    static void fillTheDatabase() throws Exception {
        Assumptions.assumeTrue(
                pythonHasThePackages(),
                "*** /usr/bin/python3 lacks pandas, matplotlib, psycopg2, nbclient, nbconvert or"
                        + " ipykernel (Debian's python3-* packages; .ci/run installs them):"
                        + " NotebooksIT is SKIPPED ***");
        dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "notebooks");
        SluiceConfig config =
                SluiceConfig.load(
                        Map.of(),
                        Map.ofEntries(
                                Map.entry("local.data.dir", dir.toString()),
                                Map.entry("local.flink.rest.port", "0"),
                                Map.entry("websocket.port", "0"),
                                Map.entry("websocket.host", "127.0.0.1"),
                                Map.entry("simulator.tags", "" + TAGS),
                                Map.entry("simulator.rate", "max"),
                                Map.entry("simulator.count", "" + TAGS * 10 * EVENT_SECONDS),
                                Map.entry("simulator.faults.out-of-order.fraction", "0.02"),
                                Map.entry("simulator.faults.late.fraction", "0.01"),
                                // beyond the 5 s allowed lateness, some: the late topic and counts
                                Map.entry("simulator.faults.late.max.ms", "9000"),
                                Map.entry("simulator.faults.duplicate.fraction", "0.001"),
                                Map.entry("simulator.faults.malformed.fraction", "0.005")));
        demo = new Demo(config).start();
        assertThat(demo.simulatorEnded().get(5, TimeUnit.MINUTES)).as("simulator").isNull();
        resolved = demo.resolved();
        // Settled: no new row in either table for three seconds.
        long before = -1;
        for (int quiet = 0; quiet < 3; ) {
            Thread.sleep(1000);
            long now =
                    scalar(
                            "SELECT (SELECT count(*) FROM window_stats) * 1000003"
                                    + " + (SELECT coalesce(sum(late_count + dead_letter_count), 0) FROM reading_faults)");
            quiet = now == before ? quiet + 1 : 0;
            before = now;
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (demo != null) {
            demo.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void everyNotebookRunsAndItsKeyNumbersEqualTheDatabases() throws Exception {
        Run run =
                execute(OUT, List.of(), "--jdbc-url", url(), "--user", user(), "--password", pw());

        assertThat(run.exit).as(run.output).isZero();
        assertThat(run.output)
                .contains("explore_tag: ok", "plant_overview: ok", "data_quality: ok");

        JsonNode explore = numbers("explore_tag");
        String tag = explore.get("tag").asText();
        Timestamp from =
                Timestamp.from(OffsetDateTime.parse(explore.get("from").asText()).toInstant());
        Timestamp to = Timestamp.from(OffsetDateTime.parse(explore.get("to").asText()).toInstant());
        String inRange =
                " FROM window_stats WHERE tag = ? AND window_ms = 1000"
                        + " AND window_start >= ? AND window_start < ?";
        assertThat(explore.get("readings").asLong())
                .isEqualTo(scalar("SELECT sum(count)" + inRange, tag, from, to))
                .isEqualTo(explore.get("minute_readings").asLong())
                .isPositive();
        assertThat(explore.get("min").asDouble())
                .isEqualTo(number("SELECT min(min)" + inRange, tag, from, to));
        assertThat(explore.get("max").asDouble())
                .isEqualTo(number("SELECT max(max)" + inRange, tag, from, to));
        assertThat(explore.get("decimated_points").asInt()).isBetween(1, 300);

        JsonNode overview = numbers("plant_overview");
        assertThat(overview.get("tags").asLong())
                .isEqualTo(
                        scalar(
                                "SELECT count(DISTINCT tag) FROM window_stats WHERE window_ms = 1000"))
                .isEqualTo(TAGS);
        assertThat(overview.get("readings").asLong())
                .isEqualTo(scalar("SELECT sum(count) FROM window_stats WHERE window_ms = 1000"));
        assertThat(overview.get("areas").asLong())
                .isEqualTo(
                        scalar(
                                "SELECT count(DISTINCT split_part(tag, '.', 1) || '.' ||"
                                        + " split_part(tag, '.', 2)) FROM window_stats"));
        assertThat(overview.get("top_tag").asText())
                .isEqualTo(
                        text(
                                "SELECT tag FROM window_stats WHERE window_ms = 1000 GROUP BY tag"
                                        + " ORDER BY (max(max) - min(min)) / nullif(abs(sum(sum)"
                                        + " / sum(count)), 0) DESC NULLS LAST LIMIT 1"));

        JsonNode quality = numbers("data_quality");
        assertThat(quality.get("late_readings").asLong())
                .isEqualTo(
                        scalar(
                                "SELECT sum(late_count) FROM reading_faults"
                                        + " WHERE source NOT LIKE 'reason:%'"))
                .isPositive();
        assertThat(quality.get("dead_letters_of_tags").asLong())
                .isEqualTo(
                        scalar(
                                "SELECT coalesce(sum(dead_letter_count), 0) FROM reading_faults"
                                        + " WHERE source IN (SELECT DISTINCT tag FROM window_stats)"))
                .isPositive();
        assertThat(quality.get("bad_readings").asLong())
                .isEqualTo(
                        scalar("SELECT sum(bad_count) FROM window_stats WHERE window_ms = 1000"));

        for (String name : List.of("explore_tag", "plant_overview", "data_quality")) {
            assertThat(OUT.resolve(name + ".html")).isNotEmptyFile();
            try (var figures = Files.list(OUT.resolve(name))) {
                assertThat(figures.filter(f -> f.toString().endsWith(".png")).count())
                        .as("figures of %s", name)
                        .isPositive();
            }
        }
        System.out.printf(
                "NotebooksIT: 3 notebooks ran against %,d stored windows of %d tags; explore_tag %s,"
                        + " %d readings; plant_overview top tag %s; data_quality %d late readings,"
                        + " %d dead letters, %d gaps%n",
                scalar("SELECT count(*) FROM window_stats"),
                TAGS,
                tag,
                explore.get("readings").asLong(),
                overview.get("top_tag").asText(),
                quality.get("late_readings").asLong(),
                quality.get("dead_letters_of_tags").asLong(),
                quality.get("gaps").asLong());
    }

    @Test
    void anUnknownTagAnEmptyOrTooLargeRangeOrAnUnreachableDatabaseIsOneLine() throws Exception {
        assertOneLine(
                url(),
                "explore_tag",
                List.of("SLUICE_TAG=plant9.area99.nothing.here"),
                "plant9.area99.nothing.here");
        assertOneLine(
                url(),
                "explore_tag",
                List.of("SLUICE_FROM=2026-11-26T08:00:00Z", "SLUICE_TO=2026-11-26T08:00:00Z"),
                "empty range");
        assertOneLine(
                url(), "explore_tag", List.of("SLUICE_FROM=2000-01-01T00:00:00Z"), "too large");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertOneLine(
                "jdbc:postgresql://127.0.0.1:" + closed + "/postgres",
                "data_quality",
                List.of(),
                "cannot reach the history database at 127.0.0.1:" + closed);
    }

    /** Runs one notebook that must fail: exit status 1, and its error is one line that says so. */
    private static void assertOneLine(String url, String notebook, List<String> env, String says)
            throws Exception {
        Run run =
                execute(
                        OUT.resolve("bad-input"),
                        env,
                        "--jdbc-url",
                        url,
                        "--user",
                        user(),
                        "--password",
                        pw(),
                        notebook);
        assertThat(run.exit).as(run.output).isEqualTo(1);
        assertThat(run.output.strip())
                .startsWith(notebook + ": failed: sluice: ")
                .contains(says)
                .doesNotContain("Traceback", "\n");
    }

    private record Run(int exit, String output) {}

    private static Run execute(Path out, List<String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "execute.py"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(NOTEBOOKS.toFile());
        pb.redirectErrorStream(true);
        pb.environment().put("SLUICE_NOTEBOOKS_OUT", out.toString());
        for (String kv : env) {
            pb.environment()
                    .put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        // The kernel's own notes on stderr (its debugger's) aside: the lines execute.py prints.
        String said =
                output.lines()
                        .filter(l -> l.matches("(explore_tag|plant_overview|data_quality): .*"))
                        .collect(Collectors.joining("\n"));
        return new Run(p.exitValue(), said.isEmpty() ? output : said);
    }

    private static boolean pythonHasThePackages() {
        try {
            Process p =
                    new ProcessBuilder(
                                    "/usr/bin/python3",
                                    "-c",
                                    "import pandas, matplotlib, psycopg2, nbclient, nbconvert,"
                                            + " ipykernel")
                            .redirectErrorStream(true)
                            .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static JsonNode numbers(String notebook) throws IOException {
        return JSON.readTree(OUT.resolve(notebook + ".json").toFile());
    }

    private static String url() {
        return resolved.get(ConfigKeys.JDBC_URL);
    }

    private static String user() {
        return resolved.get(ConfigKeys.JDBC_USER);
    }

    private static String pw() {
        return resolved.get(ConfigKeys.JDBC_PASSWORD);
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(url(), user(), pw());
    }

    private static ResultSet query(Connection c, String sql, Object... params) throws Exception {
        PreparedStatement st = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            st.setObject(i + 1, params[i]);
        }
        ResultSet rs = st.executeQuery();
        assertThat(rs.next()).as(sql).isTrue();
        return rs;
    }

    private static long scalar(String sql, Object... params) throws Exception {
        try (Connection c = connect()) {
            return query(c, sql, params).getLong(1);
        }
    }

    private static double number(String sql, Object... params) throws Exception {
        try (Connection c = connect()) {
            return query(c, sql, params).getDouble(1);
        }
    }

    private static String text(String sql, Object... params) throws Exception {
        try (Connection c = connect()) {
            return query(c, sql, params).getString(1);
        }
    }
}
