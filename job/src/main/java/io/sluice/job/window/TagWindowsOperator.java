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
 * {@link TagWindows} as an operator that, on a backend that serializes every state access (RocksDB:
 * any but the heap backend), keeps each tag's state on the heap between checkpoints ({@link
 * WriteBackCache}) and writes what changed back just before each checkpoint barrier. On the heap
 * backend it is the plain keyed process operator.
 */
public final class TagWindowsOperator
        extends KeyedProcessOperator<String, ReadingBatch, WindowStats> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TagWindowsOperator.class);

    private final int maxCachedTags;
    private transient WriteBackCache cache;

    /**
     * @param maxCachedTags the most tags whose state a subtask keeps on the heap (RocksDB only)
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
        if (!onHeap(getKeyedStateBackend())) {
            cache = new WriteBackCache(this, maxCachedTags);
            ((TagWindows) userFunction).writeBackThrough(cache);
        }
        LOG.info(
                "{}: tags' window state {}",
                getKeyedStateBackend().getClass().getSimpleName(),
                cache == null
                        ? "in the backend"
                        : "on the heap between checkpoints, up to " + maxCachedTags + " tags");
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
        if (cache != null) {
            cache.bound();
        }
        super.processElement(element);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (cache != null) {
            cache.writeBack();
        }
    }

    /** The number of tags whose state this subtask holds on the heap (0 on the heap backend). */
    int cachedTags() {
        return cache == null ? 0 : cache.cachedKeys();
    }
}
