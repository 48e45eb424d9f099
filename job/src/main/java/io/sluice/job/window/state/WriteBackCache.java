package io.sluice.job.window.state;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keyed state held on the heap between checkpoints, in front of a backend that serializes every
 * access (RocksDB). A key's values are read from the backend once, the first time they are needed;
 * every later read and write is a hash lookup; what changed is written back before each checkpoint
 * barrier ({@link #writeBack}), so every checkpoint and savepoint holds exactly what the heap held.
 * At most {@code maxKeys} keys stay cached: past that, everything is written back and forgotten.
 *
 * <p>Reads see what was written, as with the heap backend; a value changed without being written
 * (put, update) may or may not reach the checkpoint, as with RocksDB: callers write what they
 * change. Not for the heap backend: it would share the cached objects with its asynchronous
 * snapshots.
 */
public final class WriteBackCache {
    /** One cached state: writes back a key's changes, and forgets everything. */
    interface Cached {
        void writeBack(Object key) throws Exception;

        void forget();
    }

    private final KeyContext keys;
    private final int maxKeys;
    private final List<Cached> states = new ArrayList<>();
    private final Set<Object> cachedKeys = new HashSet<>();
    private final Set<Object> changedKeys = new HashSet<>();

    public WriteBackCache(KeyContext keys, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("at least one key must be cached: " + maxKeys);
        }
        this.keys = keys;
        this.maxKeys = maxKeys;
    }

    /** The value state in front of {@code backend}. */
    public <V> ValueState<V> value(ValueState<V> backend) {
        return register(new WriteBackValueState<>(backend, this));
    }

    /** The map state in front of {@code backend}. */
    public <K, V> MapState<K, V> map(MapState<K, V> backend) {
        return register(new WriteBackMapState<>(backend, this));
    }

    private <S extends Cached> S register(S state) {
        states.add(state);
        return state;
    }

    /** Writes every change back to the backend, key by key. */
    public void writeBack() throws Exception {
        if (changedKeys.isEmpty()) {
            return;
        }
        Object current = keys.getCurrentKey();
        for (Object key : changedKeys) {
            keys.setCurrentKey(key);
            for (Cached state : states) {
                state.writeBack(key);
            }
        }
        changedKeys.clear();
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Past {@code maxKeys} cached keys, writes everything back and forgets it. */
    public void bound() throws Exception {
        if (cachedKeys.size() > maxKeys) {
            writeBack();
            for (Cached state : states) {
                state.forget();
            }
            cachedKeys.clear();
        }
    }

    /** The number of keys whose values are cached. */
    public int cachedKeys() {
        return cachedKeys.size();
    }

    Object currentKey() {
        return keys.getCurrentKey();
    }

    void cached(Object key) {
        cachedKeys.add(key);
    }

    void changed(Object key) {
        changedKeys.add(key);
    }
}
