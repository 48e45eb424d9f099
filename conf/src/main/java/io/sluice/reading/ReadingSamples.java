package io.sluice.reading;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample readings of conf/samples/readings, as the test vectors of every module that reads or
 * writes readings: the codec's tests, the job's dead-letter test, the simulator's fault injection.
 */
public final class ReadingSamples {
    /** Classpath folder of the samples (conf/samples/readings in the source tree). */
    public static final String RESOURCE_DIR = "/sluice/samples/readings/";

    private ReadingSamples() {}

    /** Every sample listed in expected.tsv, in its order. */
    public static List<ReadingSample> all() {
        List<ReadingSample> samples = new ArrayList<>();
        for (String line : new String(read("expected.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", 3);
            if (cols.length != 3) {
                throw new IllegalStateException("expected.tsv: not three columns: " + line);
            }
            byte[] bytes = read(cols[0]);
            switch (cols[1]) {
                case "accept":
                    samples.add(new ReadingSample(cols[0], bytes, cols[2], null));
                    break;
                case "reject":
                    samples.add(
                            new ReadingSample(cols[0], bytes, null, RejectReason.valueOf(cols[2])));
                    break;
                default:
                    throw new IllegalStateException(
                            "expected.tsv: outcome must be accept or reject: " + line);
            }
        }
        return samples;
    }

    /** The samples that must be rejected. */
    public static List<ReadingSample> malformed() {
        return all().stream().filter(s -> !s.accepted()).toList();
    }

    private static byte[] read(String name) {
        try (InputStream in = ReadingSamples.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("sample missing from the classpath: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
