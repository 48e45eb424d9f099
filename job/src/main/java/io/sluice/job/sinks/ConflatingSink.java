package io.sluice.job.sinks;

import io.sluice.job.JobSettings;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's JDBC upserts in batches that hold each row's key once: of the elements of one key in a
 * batch only the newest is written (a window's newest revision, a source's latest fault totals).
 * PostgreSQL refuses an upsert that touches one row twice ("ON CONFLICT DO UPDATE command cannot
 * affect row a second time"); and a superseded element need not be written at all.
 *
 * <p>The sink it wraps gets each batch as one element, a {@code List<T>}, which one statement
 * writes whole ({@code INSERT ... SELECT ... FROM unnest(arrays) ON CONFLICT ...}): PostgreSQL then
 * plans and runs one statement a batch instead of one a row, which took its CPU a row from ~10.7 to
 * ~6.9 µs and the driver's from ~1.1 to ~0.4 µs (bench/README.md).
 *
 * <p>A batch goes out when it holds {@code batchSize} rows, when {@code intervalMs} has passed
 * since its first, and on every checkpoint and at the end of input. Only the wrapped sink's writer
 * runs, not its committer: at least once, the JDBC writer flushes before every checkpoint barrier
 * and commits nothing, while its committer registers a gauge again at every checkpoint (Flink
 * 2.2.1's "Name collision ... pendingCommittables", as in {@link WriterOnlySink}).
 *
 * <p>Its close never throws. Flink closes a writer also when its task fails, and then the JDBC
 * writer's close flushes its failed batch again through a closed statement and throws; Flink takes
 * an exception while handling a failure as fatal and stops the whole TaskManager (a PostgreSQL
 * restart stopped every TaskManager of the job). What that batch held comes again from the last
 * checkpoint; at the end of input {@link SinkWriter#flush} has written everything before close.
 */
public final class ConflatingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ConflatingSink.class);

    /** Which elements share a row, and which of two of them stays in a batch. */
    public interface Conflation<T> extends Serializable {
        /** The row's key: equal keys are one row. */
        Object key(T element);

        /** The one of two elements of a row that the batch keeps. */
        T newer(T held, T incoming);
    }

    private final Sink<List<T>> inner;
    private final Conflation<T> conflation;
    private final int batchSize;
    private final long intervalMs;

    public ConflatingSink(
            Sink<List<T>> inner, Conflation<T> conflation, int batchSize, long intervalMs) {
        if (batchSize < 1 || intervalMs < 1) {
            throw new IllegalArgumentException("batch size and interval must be positive");
        }
        this.inner = inner;
        this.conflation = conflation;
        this.batchSize = batchSize;
        this.intervalMs = intervalMs;
    }

    /**
     * The job's upserts of one statement into its database ({@code jdbc.*}), at least once, in
     * batches of {@code job.jdbc.batch.size} rows or {@code job.jdbc.batch.interval.ms}, each row
     * once: flink-connector-jdbc's writer under this one, given each batch as one element, which
     * {@code bind} sets as the statement's parameters.
     */
    public static <T> Sink<T> upserts(
            JobSettings s,
            String sql,
            JdbcStatementBuilder<List<T>> bind,
            Conflation<T> conflation) {
        JdbcSink<List<T>> jdbc =
                JdbcSink.<List<T>>builder()
                        .withQueryStatement(sql, bind)
                        .withExecutionOptions(
                                JdbcExecutionOptions.builder()
                                        // Batches are cut here, and each is one statement.
                                        .withBatchSize(1)
                                        .withBatchIntervalMs(0)
                                        .withMaxRetries(s.jdbcMaxRetries())
                                        .build())
                        .buildAtLeastOnce(
                                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                        .withUrl(s.jdbcUrl())
                                        .withDriverName("org.postgresql.Driver")
                                        .withUsername(s.jdbcUser())
                                        .withPassword(s.jdbcPassword())
                                        .build());
        return new ConflatingSink<>(jdbc, conflation, s.jdbcBatchSize(), s.jdbcBatchIntervalMs());
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer(
                inner.createWriter(new BatchInitContext(context)),
                context.getProcessingTimeService());
    }

    private final class Writer implements SinkWriter<T> {
        private final SinkWriter<List<T>> target;
        private final ProcessingTimeService time;
        private final Map<Object, T> batch = new LinkedHashMap<>();
        private boolean timerSet;
        private IOException timerFailure;

        Writer(SinkWriter<List<T>> target, ProcessingTimeService time) {
            this.target = target;
            this.time = time;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            rethrowTimerFailure();
            batch.merge(conflation.key(element), element, conflation::newer);
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
            // A new list: the target holds it until written, and retries it whole.
            target.write(new ArrayList<>(batch.values()), null);
            batch.clear();
            target.flush(false);
        }

        private void rethrowTimerFailure() throws IOException {
            if (timerFailure != null) {
                throw timerFailure;
            }
        }
    }
}
