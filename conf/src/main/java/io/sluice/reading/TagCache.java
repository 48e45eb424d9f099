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
    private int[] ids = new int[1024];
    private int size;
    private int lastId = -1;

    /** The tag of the ASCII bytes buf[from, to), the same String for the same bytes. */
    public String lookup(byte[] buf, int from, int to) {
        int hash = hash(buf, from, to);
        int slot = slot(buf, from, to, hash);
        if (keys[slot] != null) {
            lastId = ids[slot];
            return values[slot];
        }
        String tag = new String(buf, from, to - from, StandardCharsets.US_ASCII);
        lastId = -1;
        if (size < MAX_ENTRIES) {
            lastId = size;
            insert(slot, hash, Arrays.copyOfRange(buf, from, to), tag);
        }
        return tag;
    }

    /**
     * The tag of these bytes if it is here, else null. A decoder that puts only valid tags here
     * need not check a tag it finds again.
     */
    public String cached(byte[] buf, int from, int to) {
        return cached(buf, from, to, hash(buf, from, to));
    }

    /** {@link #cached(byte[], int, int)} with the bytes' hash already summed ({@link #mix}). */
    String cached(byte[] buf, int from, int to, int hash) {
        int slot = slot(buf, from, to, hash);
        if (keys[slot] == null) {
            return null;
        }
        lastId = ids[slot];
        return values[slot];
    }

    /** The slot holding these bytes, or the empty slot where they would go. */
    private int slot(byte[] buf, int from, int to, int hash) {
        int mask = keys.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            byte[] key = keys[i];
            if (key == null
                    || (hashes[i] == hash && Arrays.equals(key, 0, key.length, buf, from, to))) {
                return i;
            }
        }
    }

    /**
     * The id of the tag the last lookup returned: 0, 1, 2, ... in the order tags were first seen,
     * or -1 when the cache was full. Lets a caller keep per-tag data in an array, without hashing
     * the tag again.
     */
    public int lastId() {
        return lastId;
    }

    private void insert(int slot, int hash, byte[] key, String value) {
        keys[slot] = key;
        values[slot] = value;
        hashes[slot] = hash;
        ids[slot] = size;
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    private void grow() {
        byte[][] oldKeys = keys;
        String[] oldValues = values;
        int[] oldHashes = hashes;
        int[] oldIds = ids;
        keys = new byte[oldKeys.length * 2][];
        values = new String[keys.length];
        hashes = new int[keys.length];
        ids = new int[keys.length];
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
                ids[i] = oldIds[j];
            }
        }
    }

    private static int hash(byte[] buf, int from, int to) {
        int h = HASH_SEED;
        for (int i = from; i < to; i++) {
            h = 31 * h + buf[i];
        }
        return mix(h);
    }

    /** The hash of some bytes: from HASH_SEED, h = 31 * h + byte for each, then mixed. */
    static final int HASH_SEED = 1;

    static int mix(int h) {
        return h ^ (h >>> 16);
    }
}
