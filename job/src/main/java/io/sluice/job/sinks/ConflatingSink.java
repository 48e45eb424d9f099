package io.sluice.job.sinks;

import io.sluice.job.window.WindowStats;
import io.sluice.update.WindowVersion;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps only the newest revision of each window in a batch ({@link WindowVersion}) before handing
 * the batch to the sink it wraps. PostgreSQL refuses a multi-row upsert that touches one row twice
 * ("ON CONFLICT DO UPDATE command cannot affect row a second time"), which a window and its late
 * revision in one rewritten batch would do; and a superseded revision need not be written at all.
 *
 * <p>A batch goes out when it holds {@code batchSize} windows, when {@code intervalMs} has passed
 * since its first, and on every checkpoint and at the end of input.
 *
 * <p>Its close never throws. Flink closes a writer also when its task fails, and then the JDBC
 * writer's close flushes its failed batch again through a closed statement and throws; Flink takes
 * an exception while handling a failure as fatal and stops the whole TaskManager (a PostgreSQL
 * restart stopped every TaskManager of the job). What that batch held comes again from the last
 * checkpoint; at the end of input {@link SinkWriter#flush} has written everything before close.
 */
public final class ConflatingSink implements Sink<WindowStats> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ConflatingSink.class);

    private final Sink<WindowStats> inner;
    private final int batchSize;
    private final long intervalMs;

    public ConflatingSink(Sink<WindowStats> inner, int batchSize, long intervalMs) {
        if (batchSize < 1 || intervalMs < 1) {
            throw new IllegalArgumentException("batch size and interval must be positive");
        }
        this.inner = inner;
        this.batchSize = batchSize;
        this.intervalMs = intervalMs;
    }

    @Override
    public SinkWriter<WindowStats> createWriter(WriterInitContext context) throws IOException {
        return new Writer(inner.createWriter(context), context.getProcessingTimeService());
    }

    private final class Writer implements SinkWriter<WindowStats> {
        private final SinkWriter<WindowStats> target;
        private final ProcessingTimeService time;
        private final Map<WindowKey, WindowStats> batch = new LinkedHashMap<>();
        private boolean timerSet;
        private IOException timerFailure;

        Writer(SinkWriter<WindowStats> target, ProcessingTimeService time) {
            this.target = target;
            this.time = time;
        }

        @Override
        public void write(WindowStats w, Context context) throws IOException, InterruptedException {
            rethrowTimerFailure();
            batch.merge(
                    new WindowKey(w.tag, w.windowMs, w.windowStart),
                    w,
                    (old, neu) ->
                            WindowVersion.supersedes(
                                            neu.windowStart,
                                            neu.revision,
                                            old.windowStart,
                                            old.revision)
                                    ? neu
                                    : old);
            if (batch.size() >= batchSize) {
                emit();
            } else if (!timerSet) {
                timerSet = true;
                time.registerTimer(
                        time.getCurrentProcessingTime() + intervalMs,
                        t -> {
                            timerSet = false;
                            try {
                                emit();
                            } catch (IOException e) {
                                timerFailure = e;
                            }
                        });
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            rethrowTimerFailure();
            emit();
            target.flush(endOfInput);
        }

        @Override
        public void close() {
            try {
                target.close();
            } catch (Exception e) {
                LOG.warn(
                        "Closing the history writer failed ({}); rows it had not written come"
                                + " again from the last checkpoint",
                        e.toString());
            }
        }

        private void emit() throws IOException, InterruptedException {
            if (batch.isEmpty()) {
                return;
            }
            for (WindowStats w : batch.values()) {
                target.write(w, null);
            }
            batch.clear();
            // The target's batch now ends here, so it never holds one window twice.
            target.flush(false);
        }

        private void rethrowTimerFailure() throws IOException {
            if (timerFailure != null) {
                throw timerFailure;
            }
        }
    }

    private record WindowKey(String tag, long windowMs, long windowStart) {}
}
