package io.sluice.update;

import io.sluice.testing.SampleTables;

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

    /** Every vector, in file order. */
    public static List<Vector> all() {
        List<Vector> vectors = new ArrayList<>();
        for (String[] f : SampleTables.rows(RESOURCE, 6)) {
            if (!(f[4].equals("new") || f[4].equals("held"))) {
                throw new IllegalStateException(RESOURCE + ": no winner: " + String.join("\t", f));
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
        return vectors;
    }
}
