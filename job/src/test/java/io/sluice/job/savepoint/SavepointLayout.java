package io.sluice.job.savepoint;

import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorBackendSerializationProxy;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a savepoint holds, per operator: its uid, its keyed and operator states, and the serializer
 * snapshot each state was written with, read from the savepoint's files.
 *
 * <p>A changed job restores a state only if its new serializer is compatible with that snapshot
 * (same snapshot class, or one that resolves it), under the same uid and state name: this is the
 * list of what the job must stay compatible with. It reads Flink's internal formats, so it belongs
 * to the fixture program, not to the job.
 */
final class SavepointLayout {
    private SavepointLayout() {}

    /** One line per operator and one indented entry per state, sorted. */
    static List<String> describe(Path savepoint) throws IOException {
        ClassLoader loader = SavepointLayout.class.getClassLoader();
        CheckpointMetadata metadata;
        try (DataInputStream in =
                new DataInputStream(Files.newInputStream(savepoint.resolve("_metadata")))) {
            metadata = Checkpoints.loadCheckpointMetadata(in, loader, savepoint.toString());
        }
        List<OperatorState> operators = new ArrayList<>(metadata.getOperatorStates());
        operators.sort(Comparator.comparing(op -> op.getOperatorUid().orElse("")));
        List<String> lines = new ArrayList<>();
        for (OperatorState op : operators) {
            lines.add(
                    String.format(
                            "operator uid %s (%s, id %s): parallelism %d, max parallelism %d",
                            op.getOperatorUid().orElse("?"),
                            op.getOperatorName().orElse("?"),
                            op.getOperatorID(),
                            op.getParallelism(),
                            op.getMaxParallelism()));
            Set<String> states = new TreeSet<>();
            if (op.getCoordinatorState() != null) {
                states.add(
                        "coordinator state, "
                                + op.getCoordinatorState().getStateSize()
                                + " bytes (a source's enumerator)");
            }
            for (OperatorSubtaskState subtask : op.getStates()) {
                for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                    states.addAll(keyed(handle, loader));
                }
                for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                    states.addAll(operator(handle, loader));
                }
                if (subtask.getRawKeyedState().hasState()
                        || subtask.getRawOperatorState().hasState()) {
                    states.add("raw state (not described)");
                }
            }
            if (states.isEmpty()) {
                states.add("no state");
            }
            states.forEach(s -> lines.add("  " + s));
        }
        return lines;
    }

    private static List<String> keyed(KeyedStateHandle handle, ClassLoader loader)
            throws IOException {
        if (!(handle instanceof KeyGroupsStateHandle groups)) {
            return List.of("keyed state in a " + handle.getClass().getSimpleName());
        }
        // A canonical savepoint's keyed stream starts with the state's meta data (the same for
        // every backend), then the key groups.
        KeyedBackendSerializationProxy<?> proxy = new KeyedBackendSerializationProxy<>(loader);
        try (FSDataInputStream in = groups.openInputStream()) {
            proxy.read(new DataInputViewStreamWrapper(in));
        }
        List<String> states = new ArrayList<>();
        states.add("key: " + describe(proxy.getKeySerializerSnapshot()));
        for (StateMetaInfoSnapshot state : proxy.getStateMetaInfoSnapshots()) {
            String kind =
                    state.getBackendStateType() == StateMetaInfoSnapshot.BackendStateType.KEY_VALUE
                            ? "keyed state "
                                    + state.getOption(
                                            StateMetaInfoSnapshot.CommonOptionsKeys
                                                    .KEYED_STATE_TYPE)
                            : state.getBackendStateType().toString().toLowerCase();
            states.add(kind + " \"" + state.getName() + "\"" + serializers(state));
        }
        return states;
    }

    private static List<String> operator(OperatorStateHandle handle, ClassLoader loader)
            throws IOException {
        OperatorBackendSerializationProxy proxy = new OperatorBackendSerializationProxy(loader);
        try (FSDataInputStream in = handle.openInputStream()) {
            proxy.read(new DataInputViewStreamWrapper(in));
        }
        List<String> states = new ArrayList<>();
        for (StateMetaInfoSnapshot state : proxy.getOperatorStateMetaInfoSnapshots()) {
            states.add(
                    "operator state "
                            + state.getOption(
                                    StateMetaInfoSnapshot.CommonOptionsKeys
                                            .OPERATOR_STATE_DISTRIBUTION_MODE)
                            + " \""
                            + state.getName()
                            + "\""
                            + serializers(state));
        }
        for (StateMetaInfoSnapshot state : proxy.getBroadcastStateMetaInfoSnapshots()) {
            states.add("broadcast state \"" + state.getName() + "\"" + serializers(state));
        }
        return states;
    }

    private static String serializers(StateMetaInfoSnapshot state) {
        Map<String, TypeSerializerSnapshot<?>> snapshots =
                new TreeMap<>(state.getSerializerSnapshotsImmutable());
        return snapshots.entrySet().stream()
                .map(e -> "\n      " + e.getKey() + ": " + describe(e.getValue()))
                .collect(Collectors.joining());
    }

    /** The snapshot's class; a POJO's class and fields; a composite's nested snapshots. */
    static String describe(TypeSerializerSnapshot<?> snapshot) {
        String name = snapshot.getClass().getName();
        if (snapshot instanceof PojoSerializerSnapshot<?> pojo) {
            return name + " " + pojo(pojo.restoreSerializer());
        }
        if (snapshot instanceof CompositeTypeSerializerSnapshot<?, ?> composite) {
            return name
                    + Arrays.stream(composite.getNestedSerializerSnapshots())
                            .map(SavepointLayout::describe)
                            .collect(Collectors.joining(", ", "(", ")"));
        }
        return name;
    }

    /** "io.sluice.X {a: long, b: double}", from PojoSerializer's own fields (it has no getters). */
    private static String pojo(TypeSerializer<?> serializer) {
        try {
            Field clazz = PojoSerializer.class.getDeclaredField("clazz");
            Field fields = PojoSerializer.class.getDeclaredField("fields");
            clazz.setAccessible(true);
            fields.setAccessible(true);
            String fieldList =
                    Arrays.stream((Field[]) fields.get(serializer))
                            .map(
                                    f ->
                                            f == null
                                                    ? "(a field gone from the class)"
                                                    : f.getName()
                                                            + ": "
                                                            + f.getType().getSimpleName())
                            .collect(Collectors.joining(", ", "{", "}"));
            return ((Class<?>) clazz.get(serializer)).getName() + " " + fieldList;
        } catch (ReflectiveOperationException | ClassCastException e) {
            return "(" + serializer + ")";
        }
    }
}
