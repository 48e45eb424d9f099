package io.sluice.job.sinks.redis;

import io.sluice.config.SluiceConfig;
import io.sluice.job.window.WindowStats;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.functions.KeySelector;

import static java.util.Objects.requireNonNull;

/**
 * Writes the job's window statistics to Redis as live updates (issue 3): one stream message per
 * channel group and window, and a latest-values hash per group and window size. The keys and the
 * format are the contract with websocket-sink, conf/samples/updates/README.md.
 *
 * <p>Best effort, on purpose: the history is PostgreSQL's job, this is a live view. The sink never
 * fails or slows the job because Redis is down: it buffers (bounded, newest value per tag kept),
 * retries with backoff, and shows the outage in its metrics and one log line each way.
 *
 * <pre>{@code
 * RedisSink redis = RedisSink.fromConfig(config);
 * stats.keyBy(redis.groupKeySelector())  // one message per group and window needs the group in one subtask
 *     .sinkTo(redis).name("redis-live-updates").uid("redis-live-updates");
 * }</pre>
 */
public final class RedisSink implements Sink<WindowStats> {
    private static final long serialVersionUID = 1L;

    private final RedisSinkOptions options;

    RedisSink(RedisSinkOptions options) {
        this.options = requireNonNull(options, "options");
    }

    public static RedisSinkBuilder builder() {
        return new RedisSinkBuilder();
    }

    /**
     * A sink with the options of the {@code redis.*} keys; {@code redis.url} must be a real address
     * by now.
     */
    public static RedisSink fromConfig(SluiceConfig config) {
        return builder().withOptions(RedisSinkOptions.fromConfig(config)).build();
    }

    @Override
    public SinkWriter<WindowStats> createWriter(WriterInitContext context) {
        return new RedisSinkWriter(options, context);
    }

    public RedisSinkOptions options() {
        return options;
    }

    /**
     * Keys window statistics by their channel group. Put it before the sink ({@code
     * stats.keyBy(sink.groupKeySelector()).sinkTo(sink)}) so that all tags of a group reach the
     * same writer and make one message; without it each writer sends its own share of a group.
     */
    public KeySelector<WindowStats, String> groupKeySelector() {
        return new ChannelGroupKeySelector(options.groupDepth());
    }
}
