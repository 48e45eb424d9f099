package io.sluice.job.sinks;

import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

import java.util.OptionalLong;

/**
 * The context of a sink whose elements are whole batches ({@code List<T>}) of the stream's
 * elements: its input serializer is the list's, and it never copies a batch for object reuse,
 * because each batch is a new list that nothing else holds (flink-connector-jdbc's writer would
 * otherwise copy every batch, row by row, with the stream's own serializer).
 */
final class BatchInitContext implements WriterInitContext {
    private final WriterInitContext stream;

    BatchInitContext(WriterInitContext stream) {
        this.stream = stream;
    }

    @Override
    public boolean isObjectReuseEnabled() {
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <IN> TypeSerializer<IN> createInputSerializer() {
        return (TypeSerializer<IN>) new ListSerializer<>(stream.createInputSerializer());
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        return stream.getUserCodeClassLoader();
    }

    @Override
    public MailboxExecutor getMailboxExecutor() {
        return stream.getMailboxExecutor();
    }

    @Override
    public ProcessingTimeService getProcessingTimeService() {
        return stream.getProcessingTimeService();
    }

    @Override
    public SinkWriterMetricGroup metricGroup() {
        return stream.metricGroup();
    }

    @Override
    public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() {
        return stream.asSerializationSchemaInitializationContext();
    }

    @Override
    public OptionalLong getRestoredCheckpointId() {
        return stream.getRestoredCheckpointId();
    }

    @Override
    public JobInfo getJobInfo() {
        return stream.getJobInfo();
    }

    @Override
    public TaskInfo getTaskInfo() {
        return stream.getTaskInfo();
    }
}
