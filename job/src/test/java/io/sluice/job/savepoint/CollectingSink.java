package io.sluice.job.savepoint;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sink without state that keeps what it is sent in this JVM (the MiniCluster's), under a name.
 *
 * <p>Both the run that takes a fixture's savepoint and the run that restores it use it for every
 * sink of the job, so the sink operators have the same (no) state on both sides. It keeps a copy of
 * each element, made by {@code keep}: the job reuses objects.
 */
final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> KEPT = new ConcurrentHashMap<>();

    private final String name;
    private final SerializableFunction<T, Object> keep;

    CollectingSink(String name, SerializableFunction<T, Object> keep) {
        this.name = name;
        this.keep = keep;
        KEPT.put(name, new ConcurrentLinkedQueue<>());
    }

    /** What the sink of this name kept so far, in arrival order. */
    @SuppressWarnings("unchecked")
    static <R> List<R> kept(String name) {
        return (List<R>) List.copyOf(KEPT.getOrDefault(name, new ConcurrentLinkedQueue<>()));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = KEPT.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(keep.apply(element));
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
