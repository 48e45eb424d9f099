package io.sluice.job.serde;

import io.sluice.reading.TagCache;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * A tag on the wire between tasks: its length, then its ASCII bytes. Read back through a {@link
 * TagCache}, so that the same tag comes back as the same String without a copy or a hash per
 * record. One per serializer instance (Flink duplicates serializers per thread).
 */
public final class TagField {
    /** Longer than any tag the readings codec accepts. */
    private static final int MAX_LENGTH = 0xFFFE;

    /** The length that stands for no tag (a window in state, whose tag is its key). */
    private static final int NO_TAG = 0xFFFF;

    private final TagCache cache = new TagCache();
    private byte[] scratch = new byte[256];

    /** Writes a tag, or null. */
    public static void write(String tag, DataOutputView out) throws IOException {
        if (tag == null) {
            out.writeShort(NO_TAG);
            return;
        }
        int length = tag.length();
        if (length > MAX_LENGTH) {
            throw new IOException("tag longer than " + MAX_LENGTH + " characters");
        }
        out.writeShort(length);
        // Tags are ASCII (the codec refuses anything else): one byte a character. Not
        // out.writeBytes(tag): Flink's DataOutputSerializer advances twice past what it writes.
        for (int i = 0; i < length; i++) {
            out.writeByte(tag.charAt(i));
        }
    }

    public String read(DataInputView in) throws IOException {
        int length = in.readUnsignedShort();
        if (length == NO_TAG) {
            return null;
        }
        if (length > scratch.length) {
            scratch = new byte[length];
        }
        in.readFully(scratch, 0, length);
        return cache.lookup(scratch, 0, length);
    }
}
