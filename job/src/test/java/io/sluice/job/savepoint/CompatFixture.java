package io.sluice.job.savepoint;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One committed savepoint fixture: a folder under src/test/resources/savepoints with the savepoint
 * itself ({@value #SAVEPOINT}/), {@value #PROPERTIES} (what made it: the data's plan, the job's
 * settings, and what the run saw before the savepoint) and {@value #LAYOUT} (the state it holds).
 */
final class CompatFixture {
    static final String PROPERTIES = "fixture.properties";
    static final String SAVEPOINT = "savepoint";
    static final String LAYOUT = "state-layout.txt";

    static final String TOPIC = "topic.name";

    /** Every window ending at or before this (epoch ms) was emitted before the savepoint. */
    static final String CLOSED_UP_TO = "savepoint.closed-up-to";

    static final String PART1_END_OFFSETS = "savepoint.part1.end-offsets";
    static final String PART1_SHA256 = "savepoint.part1.sha256";

    private final Path dir;
    private final Properties properties;

    private CompatFixture(Path dir, Properties properties) {
        this.dir = dir;
        this.properties = properties;
    }

    static CompatFixture load(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(PROPERTIES))) {
            p.load(in);
        }
        return new CompatFixture(dir, p);
    }

    /** Every fixture folder under the root, oldest name first. */
    static List<Path> all(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(PROPERTIES))).sorted().toList();
        }
    }

    /**
     * Writes the properties, one per line, sorted, under a header of comment lines: unlike {@link
     * Properties#store} no date and no escaped colons, so the file reads well and diffs well.
     */
    static void write(Path file, List<String> header, Properties p) throws IOException {
        StringBuilder text = new StringBuilder();
        header.forEach(line -> text.append("# ").append(line).append('\n'));
        new TreeMap<>(p).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    String name() {
        return dir.getFileName().toString();
    }

    Path savepoint() {
        return dir.resolve(SAVEPOINT);
    }

    String topic() {
        return properties.getProperty(TOPIC);
    }

    CompatReadings.Plan plan() {
        return CompatReadings.Plan.of(properties);
    }

    /** The job.* settings the savepoint was taken with. */
    Map<String, String> jobSettings() {
        return properties.stringPropertyNames().stream()
                .filter(k -> k.startsWith("job."))
                .collect(
                        Collectors.toMap(
                                k -> k, properties::getProperty, (a, b) -> a, TreeMap::new));
    }

    long closedUpTo() {
        return Long.parseLong(properties.getProperty(CLOSED_UP_TO));
    }

    Map<Integer, Long> part1EndOffsets() {
        return parseOffsets(properties.getProperty(PART1_END_OFFSETS));
    }

    String part1Checksum() {
        return properties.getProperty(PART1_SHA256);
    }

    /** "0:120,1:98" for partition 0 at 120, 1 at 98. */
    static String formatOffsets(Map<Integer, Long> offsets) {
        return new TreeMap<>(offsets)
                .entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue())
                        .collect(Collectors.joining(","));
    }

    static Map<Integer, Long> parseOffsets(String text) {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (String entry : text.split(",")) {
            String[] parts = entry.split(":");
            offsets.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
        return offsets;
    }
}
