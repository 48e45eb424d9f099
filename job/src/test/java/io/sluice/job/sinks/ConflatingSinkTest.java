package io.sluice.job.sinks;

import io.sluice.job.sinks.redis.TestWriterInitContext;
import io.sluice.job.window.WindowStats;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class ConflatingSinkTest {
    /** A writer that records what it is given and fails on close, as the JDBC writer does. */
    private static final class FailingOnClose implements SinkWriter<List<WindowStats>> {
        final List<List<WindowStats>> written = new ArrayList<>();
        int flushes;
        boolean closed;

        @Override
        public void write(List<WindowStats> batch, Context context) {
            written.add(batch);
        }

        @Override
        public void flush(boolean endOfInput) {
            flushes++;
        }

        @Override
        public void close() {
            closed = true;
            throw new RuntimeException("Writing records to JDBC failed.");
        }
    }

    private static WindowStats window(long start, int revision, long count) {
        WindowStats w = new WindowStats();
        w.tag = "plant1.area01.pump001.pressure";
        w.windowMs = 1000;
        w.windowStart = start;
        w.revision = revision;
        w.count = count;
        return w;
    }

    @Test
    void aBatchKeepsTheNewestRevisionOfAWindowAndCloseNeverThrows() throws Exception {
        FailingOnClose target = new FailingOnClose();
        Sink<List<WindowStats>> inner = (WriterInitContext context) -> target;
        SinkWriter<WindowStats> writer =
                new ConflatingSink<>(inner, new HistorySink.NewestRevision(), 100, 60_000)
                        .createWriter(new TestWriterInitContext());

        writer.write(window(1000, 0, 9), null);
        writer.write(window(1000, 1, 10), null);
        writer.write(window(1000, 0, 9), null); // a replayed older revision
        writer.write(window(2000, 0, 7), null);
        writer.flush(false);

        assertThat(target.written).hasSize(1); // one batch, one element
        assertThat(target.written.get(0)).extracting(w -> w.count).containsExactly(10L, 7L);
        assertThat(target.flushes).isPositive();
        assertThatCode(writer::close).doesNotThrowAnyException();
        assertThat(target.closed).isTrue();
    }
}
