package io.sluice.job.sinks;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import java.io.IOException;
import java.util.Objects;

/**
 * An at-least-once {@link KafkaSink} as its writer alone, with no committer operator.
 *
 * <p>At least once, KafkaSink's writer flushes its producer before every checkpoint barrier and its
 * committables are empty, so the committer does nothing. It does register its metrics, though: in
 * Flink 2.2.1 every checkpoint copies the committer's {@code CommittableCollector}, whose
 * constructor registers the {@code pendingCommittables} gauge again and logs a "Name collision"
 * warning per subtask and checkpoint (issue 9). Without the committer the warning has no cause, and
 * the delivery guarantee is the writer's flush, as before.
 */
final class WriterOnlySink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final KafkaSink<T> atLeastOnce;

    WriterOnlySink(KafkaSink<T> atLeastOnce) {
        this.atLeastOnce = Objects.requireNonNull(atLeastOnce, "atLeastOnce");
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return atLeastOnce.createWriter(context);
    }
}
