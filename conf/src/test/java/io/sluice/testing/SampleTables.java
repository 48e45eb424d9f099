package io.sluice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The tab-separated test vectors of conf/samples/, as conf's jar carries them: a header row, then
 * data rows; blank and {@code #} lines are comments.
 */
public final class SampleTables {
    private SampleTables() {}

    /** A file on the classpath, as it is. */
    public static String text(String resource) {
        try (InputStream in = SampleTables.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data rows of a table, each with exactly {@code columns} fields. */
    public static List<String[]> rows(String resource, int columns) {
        List<String[]> rows = new ArrayList<>();
        boolean header = true;
        for (String line : text(resource).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != columns) {
                throw new IllegalStateException(
                        resource + ": not " + columns + " columns: " + line);
            }
            rows.add(f);
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(resource + " holds no rows");
        }
        return rows;
    }
}
