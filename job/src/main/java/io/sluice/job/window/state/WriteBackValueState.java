package io.sluice.job.window.state;

import org.apache.flink.api.common.state.ValueState;

import java.io.IOException;

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
    private final HeldByKey<Held<V>> held;
    private final HeldByKey.Maker<Held<V>, IOException> read;

    WriteBackValueState(ValueState<V> backend, WriteBackCache cache) {
        this.backend = backend;
        this.cache = cache;
        this.held = new HeldByKey<>(cache);
        this.read =
                key -> {
                    Held<V> h = new Held<>(key);
                    h.value = backend.value();
                    return h;
                };
    }

    @Override
    public V value() throws IOException {
        return held.current(read).value;
    }

    @Override
    public void update(V value) {
        Held<V> h = held.current(Held::new); // a value about to be replaced need not be read
        h.value = value;
        if (!h.changed) {
            h.changed = true;
            cache.changed(h.key);
        }
    }

    @Override
    public void clear() {
        update(null);
    }

    @Override
    public void writeBack(Object key) throws IOException {
        Held<V> h = held.of(key);
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
        held.forget();
    }
}
