package io.sluice.job.window.state;

import java.util.HashMap;
import java.util.Map;

/**
 * What one state of {@link WriteBackCache} holds for each key, made the first time the key is
 * needed. The last key's entry is kept at hand: a batch and a timer each touch their key's state
 * several times.
 */
final class HeldByKey<H> {
    /** Makes a key's entry: from the backend, or empty. */
    interface Maker<H, E extends Exception> {
        H make(Object key) throws E;
    }

    private final WriteBackCache cache;
    private final Map<Object, H> held = new HashMap<>();
    private Object lastKey;
    private H last;

    HeldByKey(WriteBackCache cache) {
        this.cache = cache;
    }

    /** The current key's entry, made by {@code maker} if there is none yet. */
    <E extends Exception> H current(Maker<H, E> maker) throws E {
        Object key = cache.currentKey();
        if (key == lastKey) {
            return last;
        }
        H h = held.get(key);
        if (h == null) {
            h = maker.make(key);
            held.put(key, h);
            cache.cached(key);
        }
        lastKey = key;
        last = h;
        return h;
    }

    /** The key's entry, or null. */
    H of(Object key) {
        return held.get(key);
    }

    void forget() {
        held.clear();
        lastKey = null;
        last = null;
    }
}
