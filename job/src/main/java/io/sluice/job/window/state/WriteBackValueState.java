package io.sluice.job.window.state;

import org.apache.flink.api.common.state.ValueState;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** A {@link ValueState} of {@link WriteBackCache}: one value a key, on the heap. */
final class WriteBackValueState<V> implements ValueState<V>, WriteBackCache.Cached {
    private static final class Held<V> {
        final Object key;
        V value;
        boolean changed;

        Held(Object key) {
            this.key = key;
        }
    }

    private final ValueState<V> backend;
    private final WriteBackCache cache;
    private final Map<Object, Held<V>> held = new HashMap<>();
    // The last key's entry: a batch and a timer each touch their key's value more than once.
    private Object lastKey;
    private Held<V> last;

    WriteBackValueState(ValueState<V> backend, WriteBackCache cache) {
        this.backend = backend;
        this.cache = cache;
    }

    private Held<V> held(boolean read) throws IOException {
        Object key = cache.currentKey();
        if (key == lastKey) {
            return last;
        }
        Held<V> h = held.get(key);
        if (h == null) {
            h = new Held<>(key);
            if (read) {
                h.value = backend.value();
            }
            held.put(key, h);
            cache.cached(key);
        }
        lastKey = key;
        last = h;
        return h;
    }

    @Override
    public V value() throws IOException {
        return held(true).value;
    }

    @Override
    public void update(V value) throws IOException {
        Held<V> h = held(false);
        h.value = value;
        if (!h.changed) {
            h.changed = true;
            cache.changed(h.key);
        }
    }

    @Override
    public void clear() {
        try {
            update(null);
        } catch (IOException e) {
            throw new IllegalStateException(e); // update(null) reads nothing
        }
    }

    @Override
    public void writeBack(Object key) throws IOException {
        Held<V> h = held.get(key);
        if (h != null && h.changed) {
            if (h.value == null) {
                backend.clear();
            } else {
                backend.update(h.value);
            }
            h.changed = false;
        }
    }

    @Override
    public void forget() {
        held.clear();
        lastKey = null;
        last = null;
    }
}
