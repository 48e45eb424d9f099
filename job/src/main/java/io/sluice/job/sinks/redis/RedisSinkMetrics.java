package io.sluice.job.sinks.redis;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.util.function.BooleanSupplier;

/**
 * The sink's metrics, on the writer metric group: Flink's standard sink counters and the Redis ones
 * that make an outage visible.
 *
 * <p>Both the task thread and the publisher's I/O thread count, so every update goes through this
 * object's monitor (a few times per batch, not per record).
 */
final class RedisSinkMetrics {
    /** 1 while the last Redis round trip (or connect) succeeded, 0 while Redis is unreachable. */
    static final String UP = "redisUp";

    /** Stream messages (XADD) Redis acknowledged. */
    static final String MESSAGES_SENT = "redisMessagesSent";

    /** Latest-hash fields set. */
    static final String LATEST_WRITTEN = "redisLatestWritten";

    /** Latest values Redis kept out because the hash held a newer window already. */
    static final String LATEST_STALE = "redisLatestStale";

    /** Failed connects, failed round trips and rejected commands. */
    static final String ERRORS = "redisErrors";

    /** Attempts to reach Redis again after a failure. */
    static final String RETRIES = "redisRetries";

    /** Outages that ended: Redis answered again after being unreachable. */
    static final String RECONNECTS = "redisReconnects";

    /** Stream messages dropped because the buffer was full (Redis down or slow). */
    static final String DROPPED_MESSAGES = "redisDroppedMessages";

    /** Latest values replaced by a newer one of the same tag before they were written. */
    static final String CONFLATED = "redisConflatedValues";

    /** Stream messages waiting. */
    static final String PENDING_MESSAGES = "redisPendingMessages";

    /** Bytes of the stream messages waiting (bounded by redis.buffer.max.bytes). */
    static final String PENDING_BYTES = "redisPendingBytes";

    /** Latest values waiting (at most one per tag and window size). */
    static final String PENDING_LATEST = "redisPendingLatest";

    private final SinkWriterMetricGroup group;
    private final Counter recordsSend;
    private final Counter bytesSend;
    private final Counter sendErrors;
    private final Counter recordsOutErrors;
    private final Counter messagesSent;
    private final Counter latestWritten;
    private final Counter latestStale;
    private final Counter errors;
    private final Counter retries;
    private final Counter reconnects;
    private final Counter droppedMessages;
    private final Counter conflated;
    private volatile long lastSendTimeMs;

    RedisSinkMetrics(SinkWriterMetricGroup group) {
        this.group = group;
        this.recordsSend = group.getNumRecordsSendCounter();
        this.bytesSend = group.getNumBytesSendCounter();
        this.sendErrors = group.getNumRecordsSendErrorsCounter();
        this.recordsOutErrors = group.getNumRecordsOutErrorsCounter();
        this.messagesSent = group.counter(MESSAGES_SENT);
        this.latestWritten = group.counter(LATEST_WRITTEN);
        this.latestStale = group.counter(LATEST_STALE);
        this.errors = group.counter(ERRORS);
        this.retries = group.counter(RETRIES);
        this.reconnects = group.counter(RECONNECTS);
        this.droppedMessages = group.counter(DROPPED_MESSAGES);
        this.conflated = group.counter(CONFLATED);
        group.setCurrentSendTimeGauge(() -> lastSendTimeMs);
    }

    /** Registers the gauges that read the publisher's state and the pending updates. */
    void watch(BooleanSupplier up, PendingUpdates pending) {
        group.gauge(UP, (Gauge<Integer>) () -> up.getAsBoolean() ? 1 : 0);
        group.gauge(PENDING_MESSAGES, (Gauge<Integer>) pending::messageCount);
        group.gauge(PENDING_BYTES, (Gauge<Long>) pending::messageBytes);
        group.gauge(PENDING_LATEST, (Gauge<Integer>) pending::latestCount);
    }

    /** A message of {@code tags} tag updates reached the stream. */
    synchronized void messageSent(int tags, long bytes) {
        messagesSent.inc();
        recordsSend.inc(tags);
        bytesSend.inc(bytes);
    }

    synchronized void latestWritten(long written, long stale, long bytes) {
        latestWritten.inc(written);
        latestStale.inc(stale);
        bytesSend.inc(bytes);
    }

    /**
     * A command Redis rejected; {@code tags} tag updates of the stream are lost with it (0 for a
     * latest value).
     */
    synchronized void commandFailed(int tags) {
        errors.inc();
        sendErrors.inc(tags);
    }

    synchronized void connectionFailed() {
        errors.inc();
    }

    synchronized void retried() {
        retries.inc();
    }

    synchronized void reconnected() {
        reconnects.inc();
    }

    synchronized void messageDropped(int tags) {
        droppedMessages.inc();
        sendErrors.inc(tags);
    }

    synchronized void latestConflated() {
        conflated.inc();
    }

    /** A record the sink could not turn into an update (no tag, a bad window); it is skipped. */
    synchronized void invalidRecord() {
        recordsOutErrors.inc();
    }

    synchronized long droppedMessageCount() {
        return droppedMessages.getCount();
    }

    void sendTime(long ms) {
        lastSendTimeMs = ms;
    }
}
