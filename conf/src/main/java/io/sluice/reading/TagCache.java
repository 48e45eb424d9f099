package io.sluice.reading;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a tag's ASCII bytes into its String, returning the same instance for the same bytes.
 *
 * <p>A plant has thousands of tags but sends each millions of times, so the decoder looks tags up
 * here instead of allocating a String per record. Open addressing over parallel arrays; it stops
 * growing at {@link #MAX_ENTRIES} and then allocates, so a flood of one-off tags cannot exhaust
 * memory. Not thread-safe: one per decoder (or serializer instance).
 */
public final class TagCache {
    static final int MAX_ENTRIES = 1 << 20;

    private byte[][] keys = new byte[1024][];
    private String[] values = new String[1024];
    private int[] hashes = new int[1024];
    private int size;

    /** The tag of the ASCII bytes buf[from, to), the same String for the same bytes. */
    public String lookup(byte[] buf, int from, int to) {
        int hash = hash(buf, from, to);
        int mask = keys.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            byte[] key = keys[i];
            if (key == null) {
                String tag = new String(buf, from, to - from, StandardCharsets.US_ASCII);
                if (size < MAX_ENTRIES) {
                    insert(i, hash, Arrays.copyOfRange(buf, from, to), tag);
                }
                return tag;
            }
            if (hashes[i] == hash && Arrays.equals(key, 0, key.length, buf, from, to)) {
                return values[i];
            }
        }
    }

    private void insert(int slot, int hash, byte[] key, String value) {
        keys[slot] = key;
        values[slot] = value;
        hashes[slot] = hash;
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    private void grow() {
        byte[][] oldKeys = keys;
        String[] oldValues = values;
        int[] oldHashes = hashes;
        keys = new byte[oldKeys.length * 2][];
        values = new String[keys.length];
        hashes = new int[keys.length];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = oldHashes[j] & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
                hashes[i] = oldHashes[j];
            }
        }
    }

    private static int hash(byte[] buf, int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + buf[i];
        }
        return h ^ (h >>> 16);
    }
}
