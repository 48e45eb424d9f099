package io.sluice.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The test vectors of {@link WindowVersion}, conf/samples/updates/supersedes.tsv, for the tests of
 * every copy of the rule (Java, Lua, SQL, JavaScript); shared through conf's test-jar.
 */
public final class WindowVersionVectors {
    /** The vectors' file, in conf/samples/updates/. */
    public static final String FILE = "supersedes.tsv";

    /** The vectors' file on the classpath (conf's jar carries it). */
    public static final String RESOURCE = "/sluice/samples/updates/" + FILE;

    /** One vector: does (windowStart, revision) supersede (heldStart, heldRevision)? */
    public record Vector(
            long windowStart,
            int revision,
            long heldStart,
            int heldRevision,
            boolean newWins,
            String description) {
        @Override
        public String toString() {
            return description
                    + ": ("
                    + windowStart
                    + ", "
                    + revision
                    + ") over ("
                    + heldStart
                    + ", "
                    + heldRevision
                    + ")";
        }
    }

    private WindowVersionVectors() {}

    /** The file as it is, for a test that hands it to another language. */
    public static String text() {
        try (InputStream in = WindowVersionVectors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every vector, in file order. */
    public static List<Vector> all() {
        List<Vector> vectors = new ArrayList<>();
        boolean header = true;
        for (String line : text().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (header) { // the column names
                header = false;
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 6 || !(f[4].equals("new") || f[4].equals("held"))) {
                throw new IllegalStateException(RESOURCE + ": not a vector: " + line);
            }
            vectors.add(
                    new Vector(
                            Long.parseLong(f[0]),
                            Integer.parseInt(f[1]),
                            Long.parseLong(f[2]),
                            Integer.parseInt(f[3]),
                            f[4].equals("new"),
                            f[5]));
        }
        if (vectors.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " holds no vectors");
        }
        return vectors;
    }
}
