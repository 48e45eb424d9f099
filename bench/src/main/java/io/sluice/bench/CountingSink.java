package io.sluice.bench;

import io.sluice.job.window.WindowStats;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts what reaches a sink, then hands each element on to the sink it wraps: the proof that a run
 * of the job (measurement (b)) saw every reading.
 *
 * <p>Each writer counts in a plain map of its own (no shared counter on the hot path) and adds it
 * to the benchmark JVM's tally of the run when it closes, which the MiniCluster does before the job
 * ends. So the tally is only read after {@code execute} returns, and only on a local MiniCluster in
 * this JVM. Elements are counted in buckets: windows by their size, with their readings as weight
 * and any revision in a bucket of its own; other records in one bucket.
 */
final class CountingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /**
     * The bucket of windows emitted again with a raised revision (none in a clean, ordered run).
     */
    static final long REVISIONS = -1;

    /** The one bucket of {@link #records}. */
    static final long ALL = 0;

    /** Tallies by run and sink name: bucket -> {elements, weight}. */
    private static final Map<String, Map<Long, long[]>> TALLIES = new ConcurrentHashMap<>();

    private final String tally;
    private final Sink<T> inner;
    private final Bucketing<T> bucketing;

    private CountingSink(String tally, Sink<T> inner, Bucketing<T> bucketing) {
        this.tally = tally;
        this.inner = inner;
        this.bucketing = bucketing;
    }

    /** Window statistics, bucketed by window size and weighted by their reading counts. */
    static CountingSink<WindowStats> windows(String runId, String name, Sink<WindowStats> inner) {
        return new CountingSink<>(key(runId, name), inner, new ByWindowSize());
    }

    /** Any records, in one bucket of weight one each. */
    static <T> CountingSink<T> records(String runId, String name, Sink<T> inner) {
        return new CountingSink<>(key(runId, name), inner, new OneBucket<>());
    }

    /**
     * What the writers of a sink counted in a run, bucket -> {elements, weight}; empty if nothing
     * came.
     */
    static Map<Long, long[]> tally(String runId, String name) {
        Map<Long, long[]> t = TALLIES.remove(key(runId, name));
        return t == null ? Map.of() : new TreeMap<>(t);
    }

    private static String key(String runId, String name) {
        return runId + "/" + name;
    }

    private static void add(String tally, Map<Long, long[]> counts) {
        Map<Long, long[]> t = TALLIES.computeIfAbsent(tally, k -> new ConcurrentHashMap<>());
        counts.forEach(
                (bucket, c) -> t.merge(bucket, c, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        SinkWriter<T> target = inner.createWriter(context);
        return new SinkWriter<>() {
            private final Map<Long, long[]> counts = new HashMap<>();

            @Override
            public void write(T element, Context ctx) throws IOException, InterruptedException {
                long[] c = counts.computeIfAbsent(bucketing.bucket(element), b -> new long[2]);
                c[0]++;
                c[1] += bucketing.weight(element);
                target.write(element, ctx);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException, InterruptedException {
                target.flush(endOfInput);
            }

            @Override
            public void close() throws Exception {
                add(tally, counts);
                counts.clear();
                target.close();
            }
        };
    }

    /** Which bucket an element counts in, and with what weight. */
    interface Bucketing<T> extends Serializable {
        long bucket(T element);

        long weight(T element);
    }

    private static final class ByWindowSize implements Bucketing<WindowStats> {
        private static final long serialVersionUID = 1L;

        @Override
        public long bucket(WindowStats w) {
            return w.revision > 0 ? REVISIONS : w.windowMs;
        }

        @Override
        public long weight(WindowStats w) {
            return w.count;
        }
    }

    private static final class OneBucket<T> implements Bucketing<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public long bucket(T element) {
            return ALL;
        }

        @Override
        public long weight(T element) {
            return 1;
        }
    }
}
