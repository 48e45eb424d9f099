package io.sluice.job.window.state;

import org.apache.flink.api.common.state.MapState;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link MapState} of {@link WriteBackCache}: a key's whole map on the heap, read from the
 * backend in one pass the first time it is needed; what was put or removed since is written back.
 */
final class WriteBackMapState<K, V> implements MapState<K, V>, WriteBackCache.Cached {
    private static final class Held<K, V> {
        final Object key;
        final Map<K, V> entries = new HashMap<>();
        // Changed entries since the last write-back: true put, false removed.
        final Map<K, Boolean> changes = new HashMap<>();
        boolean cleared;
        boolean changed;

        Held(Object key) {
            this.key = key;
        }
    }

    private final MapState<K, V> backend;
    private final WriteBackCache cache;
    private final HeldByKey<Held<K, V>> held;
    private final HeldByKey.Maker<Held<K, V>, Exception> read;

    WriteBackMapState(MapState<K, V> backend, WriteBackCache cache) {
        this.backend = backend;
        this.cache = cache;
        this.held = new HeldByKey<>(cache);
        this.read =
                key -> {
                    Held<K, V> h = new Held<>(key);
                    for (Map.Entry<K, V> e : backend.entries()) {
                        h.entries.put(e.getKey(), e.getValue());
                    }
                    return h;
                };
    }

    private Held<K, V> held() throws Exception {
        return held.current(read);
    }

    private void change(Held<K, V> h, K entry, boolean put) {
        h.changes.put(entry, put);
        if (!h.changed) {
            h.changed = true;
            cache.changed(h.key);
        }
    }

    @Override
    public V get(K entry) throws Exception {
        return held().entries.get(entry);
    }

    @Override
    public void put(K entry, V value) throws Exception {
        Held<K, V> h = held();
        h.entries.put(entry, value);
        change(h, entry, true);
    }

    @Override
    public void putAll(Map<K, V> map) throws Exception {
        for (Map.Entry<K, V> e : map.entrySet()) {
            put(e.getKey(), e.getValue());
        }
    }

    @Override
    public void remove(K entry) throws Exception {
        Held<K, V> h = held();
        if (h.entries.remove(entry) != null) {
            change(h, entry, false);
        }
    }

    @Override
    public boolean contains(K entry) throws Exception {
        return held().entries.containsKey(entry);
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() throws Exception {
        Held<K, V> h = held();
        return () -> removing(h, e -> new AbstractMap.SimpleImmutableEntry<>(e));
    }

    @Override
    public Iterable<K> keys() throws Exception {
        Held<K, V> h = held();
        return () -> removing(h, Map.Entry::getKey);
    }

    @Override
    public Iterable<V> values() throws Exception {
        Held<K, V> h = held();
        return () -> removing(h, Map.Entry::getValue);
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() throws Exception {
        return entries().iterator();
    }

    @Override
    public boolean isEmpty() throws Exception {
        return held().entries.isEmpty();
    }

    @Override
    public void clear() {
        try {
            Held<K, V> h = held();
            h.entries.clear();
            h.changes.clear();
            h.cleared = true;
            if (!h.changed) {
                h.changed = true;
                cache.changed(h.key);
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading the map to clear it failed", e);
        }
    }

    /** An iterator over a key's entries whose remove() is written back too. */
    private <T> Iterator<T> removing(Held<K, V> h, Function<Map.Entry<K, V>, T> view) {
        Iterator<Map.Entry<K, V>> it = h.entries.entrySet().iterator();
        return new Iterator<>() {
            private K current;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                Map.Entry<K, V> e = it.next();
                current = e.getKey();
                return view.apply(e);
            }

            @Override
            public void remove() {
                it.remove();
                change(h, current, false);
            }
        };
    }

    @Override
    public void writeBack(Object key) throws Exception {
        Held<K, V> h = held.of(key);
        if (h == null || !h.changed) {
            return;
        }
        if (h.cleared) {
            backend.clear();
            h.cleared = false;
        }
        for (Map.Entry<K, Boolean> c : h.changes.entrySet()) {
            if (c.getValue()) {
                backend.put(c.getKey(), h.entries.get(c.getKey()));
            } else {
                backend.remove(c.getKey());
            }
        }
        h.changes.clear();
        h.changed = false;
    }

    @Override
    public void forget() {
        held.forget();
    }
}
