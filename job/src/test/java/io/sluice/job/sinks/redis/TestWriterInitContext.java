package io.sluice.job.sinks.redis;

import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.MetricsGroupTestUtils;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.util.UserCodeClassLoader;

import java.util.OptionalLong;

/**
 * The least a sink writer needs from Flink, for building one directly: a manual processing-time
 * clock (timers fire when the test advances it) and Flink's writer metric group over a {@link
 * MetricListener} that the test reads. The rest is unsupported.
 */
public final class TestWriterInitContext implements WriterInitContext {
    final MetricListener metrics = new MetricListener();
    final TestProcessingTimeService time = new TestProcessingTimeService();
    private final SinkWriterMetricGroup metricGroup =
            MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup());

    /** Advances the processing-time clock, firing the timers that fall due. */
    void advance(long ms) throws Exception {
        time.advance(ms);
    }

    long counter(String name) {
        return metrics.getCounter(name)
                .map(Counter::getCount)
                .orElseThrow(() -> new AssertionError("no counter " + name));
    }

    Object gauge(String name) {
        return metrics.getGauge(name)
                .map(Gauge::getValue)
                .orElseThrow(() -> new AssertionError("no gauge " + name));
    }

    long numRecordsSend() {
        return metricGroup.getNumRecordsSendCounter().getCount();
    }

    long numRecordsSendErrors() {
        return metricGroup.getNumRecordsSendErrorsCounter().getCount();
    }

    long numRecordsOutErrors() {
        return metricGroup.getNumRecordsOutErrorsCounter().getCount();
    }

    @Override
    public ProcessingTimeService getProcessingTimeService() {
        return time;
    }

    @Override
    public SinkWriterMetricGroup metricGroup() {
        return metricGroup;
    }

    @Override
    public TaskInfo getTaskInfo() {
        return new TaskInfoImpl("redis-sink", 1, 0, 1, 0);
    }

    @Override
    public OptionalLong getRestoredCheckpointId() {
        return OptionalLong.empty();
    }

    @Override
    public boolean isObjectReuseEnabled() {
        return false;
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        throw new UnsupportedOperationException();
    }

    @Override
    public MailboxExecutor getMailboxExecutor() {
        throw new UnsupportedOperationException();
    }

    @Override
    public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() {
        throw new UnsupportedOperationException();
    }

    @Override
    public <IN> TypeSerializer<IN> createInputSerializer() {
        throw new UnsupportedOperationException();
    }

    @Override
    public JobInfo getJobInfo() {
        throw new UnsupportedOperationException();
    }
}
