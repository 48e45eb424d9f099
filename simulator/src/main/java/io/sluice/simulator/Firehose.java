package io.sluice.simulator;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a generator's records to a Kafka topic at a steady rate until a count, a deadline or a stop
 * request, keeping the counts that the progress line and the summary show.
 */
public final class Firehose {
    /**
     * Records between two looks at the clock: often enough for a steady rate, rare enough to be
     * free.
     */
    private static final int CHECK_EVERY = 256;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final double ratePerSecond;
    private final OutputStream copy;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Callback callback = this::onCompletion;

    /**
     * @param ratePerSecond records per second; 0 for unthrottled
     * @param copy receives every valid reading as an NDJSON line; null for none
     */
    public Firehose(
            Producer<byte[], byte[]> producer,
            String topic,
            double ratePerSecond,
            OutputStream copy) {
        this.producer = producer;
        this.topic = topic;
        this.ratePerSecond = ratePerSecond;
        this.copy = copy;
    }

    /**
     * Sends records until {@code count} (0: no limit) are sent, {@code duration} (null: no limit)
     * has passed, or {@code stop} is set; then flushes, so that every record is acknowledged or
     * failed.
     */
    public void run(ReadingGenerator generator, long count, Duration duration, AtomicBoolean stop) {
        SimulatedRecord record = new SimulatedRecord();
        long start = System.nanoTime();
        long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        double nanosPerRecord = ratePerSecond == 0 ? 0 : 1e9 / ratePerSecond;
        long n = 0;
        try {
            while (count == 0 || n < count) {
                if (n % CHECK_EVERY == 0) {
                    long now = System.nanoTime();
                    if (stop.get() || now >= deadline) {
                        break;
                    }
                    if (nanosPerRecord > 0) {
                        long due = start + (long) (n * nanosPerRecord);
                        if (due > now) {
                            LockSupport.parkNanos(due - now);
                        }
                    }
                }
                generator.next(record);
                producer.send(
                        new ProducerRecord<>(topic, null, record.key, record.value), callback);
                n++;
                sent.lazySet(n);
                if (copy != null && record.kind.isReading()) {
                    copy.write(record.value);
                    copy.write('\n');
                }
            }
            if (copy != null) {
                copy.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the copy file", e);
        } finally {
            producer.flush();
        }
    }

    /** Records handed to the producer. */
    public long sent() {
        return sent.get();
    }

    /** Records the broker acknowledged. */
    public long acked() {
        return acked.get();
    }

    /** Records that could not be sent. */
    public long failed() {
        return failed.get();
    }

    /** The first send error, or null. */
    public String firstError() {
        return firstError.get();
    }

    private void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            acked.incrementAndGet();
        } else {
            failed.incrementAndGet();
            firstError.compareAndSet(null, ProducerFactory.rootMessage(exception));
        }
    }
}
