package io.sluice.job.window.state;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A restore step: moves every key's map state from one state to another, each entry under a new map
 * key, and empties the old one. For state whose map keys changed meaning between versions.
 */
public final class MapStateRekey {
    private MapStateRekey() {}

    /**
     * Moves each key's entries of {@code from} into {@code to} under {@code rekey(entry key)}.
     *
     * @return how many keys (of the backend) had entries to move
     */
    public static <K, UK, UV> int move(
            KeyedStateBackend<K> backend,
            MapStateDescriptor<UK, UV> from,
            MapStateDescriptor<UK, UV> to,
            UnaryOperator<UK> rekey)
            throws Exception {
        List<K> keys;
        // Listed first: neither backend lets its keys be walked while their state changes.
        try (Stream<K> stream = backend.getKeys(from.getName(), VoidNamespace.INSTANCE)) {
            keys = stream.toList();
        }
        if (keys.isEmpty()) {
            return 0;
        }
        MapState<UK, UV> source =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, from);
        MapState<UK, UV> target =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, to);
        for (K key : keys) {
            backend.setCurrentKey(key);
            for (Map.Entry<UK, UV> e : source.entries()) {
                target.put(rekey.apply(e.getKey()), e.getValue());
            }
            source.clear();
        }
        return keys.size();
    }
}
