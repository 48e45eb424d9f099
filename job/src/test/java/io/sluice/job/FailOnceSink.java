package io.sluice.job;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wraps a sink and throws once, after {@code afterRecords} records and at least one checkpoint, so
 * that the job must restart from a checkpoint. The flag is static: the MiniCluster runs in this
 * JVM, and the restarted writer must not fail again.
 */
final class FailOnceSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    private final Sink<T> inner;
    private final long afterRecords;

    FailOnceSink(Sink<T> inner, long afterRecords) {
        this.inner = inner;
        this.afterRecords = afterRecords;
    }

    static void reset() {
        FAILED.set(false);
    }

    static boolean failed() {
        return FAILED.get();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        SinkWriter<T> writer = inner.createWriter(context);
        return new SinkWriter<>() {
            private long records;
            private boolean checkpointed;

            @Override
            public void write(T element, Context ctx) throws IOException, InterruptedException {
                if (++records >= afterRecords
                        && checkpointed
                        && FAILED.compareAndSet(false, true)) {
                    throw new IOException("injected failure after " + records + " records");
                }
                writer.write(element, ctx);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException, InterruptedException {
                writer.flush(endOfInput);
                checkpointed = true; // flush(false) runs on every checkpoint
            }

            @Override
            public void close() throws Exception {
                writer.close();
            }
        };
    }
}
