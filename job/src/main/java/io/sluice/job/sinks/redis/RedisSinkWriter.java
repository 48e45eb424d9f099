package io.sluice.job.sinks.redis;

import io.sluice.job.sinks.redis.PendingUpdates.LatestValue;
import io.sluice.job.sinks.redis.PendingUpdates.StreamMessage;
import io.sluice.job.window.WindowStats;
import io.sluice.update.GroupUpdate;
import io.sluice.update.TagUpdate;
import io.sluice.update.UpdateCodec;
import io.sluice.update.UpdateKeys;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Groups the job's window statistics into one message per channel group and window, and hands the
 * messages and latest values to the {@link RedisPublisher}.
 *
 * <p>A batch is keyed by (group, window size, window start) and holds each tag once (a revision
 * that arrives while its window still waits replaces it). A batch is sent:
 *
 * <ol>
 *   <li>when a record of the same group and window size arrives with a later window start: the
 *       windows of a size fire in order, so the earlier one is complete;
 *   <li>when the oldest waiting batch is {@code redis.linger.ms} old (processing time, checked on
 *       every record and by a timer, so an idle stream is sent too): this is what sends the last
 *       window of a firing, and revisions;
 *   <li>on {@link #flush}, which Flink calls before a checkpoint and at the end of input, and on
 *       {@link #close};
 *   <li>when {@value #MAX_BUFFERED_TAGS} tag updates wait, whatever their age.
 * </ol>
 *
 * <p>Nothing here waits for Redis (except {@code flush(true)} and {@code close()}, for at most
 * {@code redis.timeout.ms}, and only while Redis answers), and no Redis failure is thrown: see
 * {@link RedisPublisher}. A failure of the publisher's own code is kept and rethrown on the next
 * {@code write}, {@code flush} or {@code close}. Records that cannot become an update (no tag, a
 * window of no length) are counted on {@code numRecordsOutErrors} and skipped.
 */
@Internal
public final class RedisSinkWriter implements SinkWriter<WindowStats> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSink.class);

    /** Tag updates that may wait in batches before all are sent, whatever their age. */
    static final int MAX_BUFFERED_TAGS = 50_000;

    private static final long INVALID_LOG_INTERVAL_MS = 60_000;

    private record GroupWindow(String group, long windowMs) {}

    private record BatchKey(String group, long windowMs, long windowStart) {}

    private static final class Batch {
        final long createdAt;
        final Map<String, TagUpdate> tags = new LinkedHashMap<>();

        Batch(long createdAt) {
            this.createdAt = createdAt;
        }
    }

    private final RedisSinkOptions options;
    private final ProcessingTimeService timeService;
    private final UpdateCodec codec;
    private final RedisSinkMetrics metrics;
    private final PendingUpdates pending;
    private final RedisPublisher publisher;

    private final LinkedHashMap<BatchKey, Batch> batches = new LinkedHashMap<>();

    /** The newest window start seen per group and window size. */
    private final Map<GroupWindow, Long> newestStart = new HashMap<>();

    private final Map<Long, String> streamKeys = new HashMap<>();
    private final Map<GroupWindow, String> latestKeys = new HashMap<>();
    private int bufferedTags;
    private boolean timerRegistered;
    private long invalidLoggedAt = Long.MIN_VALUE / 2;
    private long invalidSuppressed;

    /** Starts the publisher's I/O thread; it connects to Redis in the background. */
    public RedisSinkWriter(RedisSinkOptions options, WriterInitContext context) {
        this.options = requireNonNull(options, "options");
        requireNonNull(context, "context");
        this.timeService =
                requireNonNull(
                        context.getProcessingTimeService(), "context.getProcessingTimeService()");
        SinkWriterMetricGroup group =
                requireNonNull(context.metricGroup(), "context.metricGroup()");
        this.codec = new UpdateCodec(options.valueDigits());
        this.metrics = new RedisSinkMetrics(group);
        this.pending = new PendingUpdates(options.bufferMaxBytes(), metrics);
        String name = "redis-sink-" + context.getTaskInfo().getIndexOfThisSubtask();
        this.publisher = new RedisPublisher(options, pending, metrics, name);
        metrics.watch(publisher::isUp, pending);
        publisher.start();
    }

    @Override
    public void write(WindowStats stats, Context context) throws IOException {
        checkFailure();
        String group;
        TagUpdate update;
        try {
            if (stats.tag == null || stats.tag.isEmpty()) {
                throw new IllegalArgumentException("it has no tag");
            }
            if (stats.windowMs <= 0) {
                throw new IllegalArgumentException("its window length is " + stats.windowMs);
            }
            group = UpdateKeys.groupOf(stats.tag, options.groupDepth());
            update =
                    new TagUpdate(
                            UpdateKeys.nameInGroup(stats.tag, options.groupDepth()),
                            stats.windowStart,
                            stats.count,
                            stats.min,
                            stats.max,
                            stats.mean,
                            stats.stddev(),
                            stats.twa(),
                            stats.lastValue,
                            stats.worstQuality,
                            stats.revision);
        } catch (RuntimeException e) {
            invalid(stats, e);
            return;
        }

        long now = timeService.getCurrentProcessingTime();
        GroupWindow groupWindow = new GroupWindow(group, stats.windowMs);
        Long newest = newestStart.get(groupWindow);
        if (newest == null || newest < stats.windowStart) {
            if (newest != null) {
                // The group's next window has started: the one before is complete.
                dispatch(new BatchKey(group, stats.windowMs, newest));
            }
            newestStart.put(groupWindow, stats.windowStart);
        }
        Batch batch =
                batches.computeIfAbsent(
                        new BatchKey(group, stats.windowMs, stats.windowStart),
                        k -> new Batch(now));
        if (batch.tags.put(update.name(), update) == null) {
            bufferedTags++;
        }

        if (bufferedTags >= MAX_BUFFERED_TAGS) {
            dispatchAll();
        } else {
            sendIfLingered(now);
        }
    }

    /**
     * Sends every waiting batch; at the end of input also waits (while Redis answers) until Redis
     * has them.
     */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        checkFailure();
        dispatchAll();
        if (endOfInput) {
            publisher.awaitIdle(options.timeoutMs());
        }
        checkFailure();
    }

    /**
     * Sends what waits, gives the publisher up to {@code redis.timeout.ms} to write it, and stops
     * it.
     */
    @Override
    public void close() throws IOException {
        dispatchAll();
        publisher.close(options.timeoutMs());
        checkFailure();
    }

    private void sendIfLingered(long now) {
        if (batches.isEmpty()) {
            return;
        }
        long oldest = batches.values().iterator().next().createdAt;
        if (now - oldest >= options.lingerMs()) {
            dispatchAll();
        } else if (!timerRegistered) {
            timerRegistered = true;
            timeService.registerTimer(oldest + options.lingerMs(), this::onTimer);
        }
    }

    private void onTimer(long time) {
        timerRegistered = false;
        sendIfLingered(timeService.getCurrentProcessingTime());
    }

    private void dispatch(BatchKey key) {
        Batch batch = batches.remove(key);
        if (batch == null) {
            return;
        }
        List<StreamMessage> messages = new ArrayList<>(1);
        List<LatestValue> latest = new ArrayList<>(batch.tags.size());
        encode(key, batch, messages, latest);
        bufferedTags -= batch.tags.size();
        pending.add(messages, latest);
    }

    private void dispatchAll() {
        if (batches.isEmpty()) {
            return;
        }
        List<StreamMessage> messages = new ArrayList<>(batches.size());
        List<LatestValue> latest = new ArrayList<>(bufferedTags);
        for (Iterator<Map.Entry<BatchKey, Batch>> it = batches.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<BatchKey, Batch> e = it.next();
            encode(e.getKey(), e.getValue(), messages, latest);
            it.remove();
        }
        bufferedTags = 0;
        pending.add(messages, latest);
    }

    private void encode(
            BatchKey key, Batch batch, List<StreamMessage> messages, List<LatestValue> latest) {
        List<TagUpdate> tags = new ArrayList<>(batch.tags.values());
        byte[] data =
                codec.encodeMessage(
                        new GroupUpdate(key.group(), key.windowMs(), key.windowStart(), tags));
        messages.add(new StreamMessage(streamKey(key.windowMs()), key.group(), data, tags.size()));
        String hash = latestKey(key.group(), key.windowMs());
        for (TagUpdate t : tags) {
            latest.add(
                    new LatestValue(
                            hash, t.name(), t.windowStart(), t.revision(), codec.encodeLatest(t)));
        }
    }

    private String streamKey(long windowMs) {
        return streamKeys.computeIfAbsent(
                windowMs, ms -> UpdateKeys.streamKey(options.streamPrefix(), ms));
    }

    private String latestKey(String group, long windowMs) {
        return latestKeys.computeIfAbsent(
                new GroupWindow(group, windowMs),
                gw -> UpdateKeys.latestKey(options.latestPrefix(), windowMs, group));
    }

    private void invalid(WindowStats stats, RuntimeException why) {
        metrics.invalidRecord();
        long now = System.currentTimeMillis();
        if (now - invalidLoggedAt >= INVALID_LOG_INTERVAL_MS) {
            LOG.warn(
                    "Redis live updates: skipped a record because {}: {}{}",
                    why.getMessage(),
                    stats,
                    invalidSuppressed > 0
                            ? " (" + invalidSuppressed + " more skipped since the last such line)"
                            : "");
            invalidLoggedAt = now;
            invalidSuppressed = 0;
        } else {
            invalidSuppressed++;
        }
    }

    private void checkFailure() throws IOException {
        Throwable failure = publisher.failure();
        if (failure != null) {
            throw new IOException("Redis live updates: the sink's I/O thread failed", failure);
        }
    }
}
