package io.sluice.update;

import io.sluice.reading.Quality;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The sample live updates of conf/samples/updates, with what they decode to: the test vectors of
 * the codec's tests here and of websocket-sink's.
 */
public final class UpdateSamples {
    /** Classpath folder of the samples (conf/samples/updates in the source tree). */
    public static final String RESOURCE_DIR = "/sluice/samples/updates/";

    /**
     * The channel group of every sample: the {@value UpdateKeys#FIELD_GROUP} field of the stream
     * entries.
     */
    public static final String GROUP = "plant1.area03";

    /** A stream entry of {@code sluice:updates:1s}: three tags of a 1 s window. */
    public static final String MESSAGE_FILE = "message.json";

    /** A stream entry of {@code sluice:updates:1m}: a late revision of one tag's 1 min window. */
    public static final String REVISION_FILE = "message-revision.json";

    /** The field {@code pump007.pressure} of the hash {@code sluice:latest:1s:plant1.area03}. */
    public static final String LATEST_FILE = "latest.json";

    /** Its hash field. */
    public static final String LATEST_NAME = "pump007.pressure";

    private static final long START = 1795735268000L;

    private UpdateSamples() {}

    /** What {@value #MESSAGE_FILE} decodes to (with {@link UpdateCodec#DEFAULT_DIGITS}). */
    public static GroupUpdate message() {
        return new GroupUpdate(
                GROUP,
                1000,
                START,
                List.of(
                        new TagUpdate(
                                LATEST_NAME,
                                START,
                                10,
                                4.102,
                                4.931,
                                4.51235,
                                0.256121,
                                4.49871,
                                4.9,
                                Quality.GOOD,
                                0),
                        new TagUpdate(
                                "pump007.running", START, 10, 1, 1, 1, 0, 1, 1, Quality.GOOD, 0),
                        new TagUpdate(
                                "tank004.level",
                                START,
                                9,
                                37.25,
                                37.5,
                                37.3889,
                                0.0785674,
                                37.3912,
                                37.5,
                                Quality.UNCERTAIN,
                                0)));
    }

    /**
     * What {@value #REVISION_FILE} decodes to: window start 1795735200000, revision 1, worst
     * quality bad.
     */
    public static GroupUpdate revision() {
        long start = 1795735200000L;
        return new GroupUpdate(
                GROUP,
                60_000,
                start,
                List.of(
                        new TagUpdate(
                                LATEST_NAME,
                                start,
                                601,
                                3.875,
                                5.125,
                                4.50012,
                                0.351472,
                                4.49987,
                                4.25,
                                Quality.BAD,
                                1)));
    }

    /** What {@value #LATEST_FILE} decodes to: the newest 1 s window of {@code pump007.pressure}. */
    public static TagUpdate latest() {
        return message().tags().get(0);
    }

    /** A sample file's exact bytes. */
    public static byte[] bytes(String file) {
        try (InputStream in = UpdateSamples.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("sample missing from the classpath: " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
