package io.sluice.job.window;

import io.sluice.job.batch.ReadingBatch;
import io.sluice.job.window.state.WriteBackCache;

import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.TestableKeyedStateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TagWindows} as an operator that holds each tag's state in a {@link WriteBackCache} between
 * checkpoints and writes what changed back just before each checkpoint barrier. On RocksDB that
 * spares a serialized read and write at every access; on the heap backend it spares the lookups of
 * its copy-on-write tables, and the cache forgets everything at each barrier, so that no object it
 * holds is one an asynchronous snapshot still reads.
 */
public final class TagWindowsOperator
        extends KeyedProcessOperator<String, ReadingBatch, WindowStats> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TagWindowsOperator.class);

    private final int maxCachedTags;
    private transient WriteBackCache cache;

    /**
     * @param maxCachedTags the most tags whose state a subtask keeps in the cache
     */
    public TagWindowsOperator(TagWindows windows, int maxCachedTags) {
        super(windows);
        this.maxCachedTags = maxCachedTags;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (context.isRestored()) {
            int tags = ((TagWindows) userFunction).moveFineWindowsToIndexes(getKeyedStateBackend());
            if (tags > 0) {
                LOG.info("Restored finest windows of {} tags moved from start to index", tags);
            }
        }
    }

    @Override
    public void open() throws Exception {
        boolean onHeap = onHeap(getKeyedStateBackend());
        cache = new WriteBackCache(this, maxCachedTags, onHeap);
        ((TagWindows) userFunction).writeBackThrough(cache);
        LOG.info(
                "{}: up to {} tags' window state cached, {} at each barrier",
                getKeyedStateBackend().getClass().getSimpleName(),
                maxCachedTags,
                onHeap ? "written back and forgotten" : "written back");
        super.open(); // opens the function, which takes its states through the cache
    }

    /** Whether the backend keeps state as heap objects, which its snapshots read as they are. */
    private static boolean onHeap(KeyedStateBackend<?> backend) {
        KeyedStateBackend<?> inner =
                backend instanceof TestableKeyedStateBackend<?> wrapper // e.g. the changelog's
                        ? wrapper.getDelegatedKeyedStateBackend(true)
                        : backend;
        return inner instanceof HeapKeyedStateBackend;
    }

    @Override
    public void processElement(StreamRecord<ReadingBatch> element) throws Exception {
        cache.bound();
        super.processElement(element);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        cache.beforeBarrier();
    }

    /** The number of tags whose state this subtask holds in its cache. */
    int cachedTags() {
        return cache.cachedKeys();
    }
}
