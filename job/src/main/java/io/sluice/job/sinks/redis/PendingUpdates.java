package io.sluice.job.sinks.redis;

import io.sluice.update.WindowVersion;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What waits to be written to Redis: the hand-over between the task thread and the publisher's I/O
 * thread, bounded while Redis is down or slow.
 *
 * <p>Stream messages queue in order up to a byte budget; beyond it the oldest are dropped, since a
 * live view wants the newest. Latest values are conflated: one per (hash, tag), the newest window
 * (and revision) wins, so they take one slot per tag however long Redis is away and the snapshots
 * are right as soon as it is back. Thread-safe; its monitor is also what the publisher waits on for
 * work.
 */
final class PendingUpdates {
    /**
     * Bytes counted for a message beside its key, group and data: the entry id, field names,
     * framing.
     */
    static final int MESSAGE_OVERHEAD = 64;

    /** One stream entry to append: {@code XADD streamKey MAXLEN ~ n * g group d data}. */
    record StreamMessage(String streamKey, String group, byte[] data, int tags) {
        long size() {
            return streamKey.length() + group.length() + data.length + MESSAGE_OVERHEAD;
        }
    }

    /** One latest-hash field to set, if newer than what the hash holds. */
    record LatestValue(String hashKey, String field, long windowStart, int revision, byte[] value) {
        /** A later window, or the same window's later or equal revision (a retry of itself). */
        boolean supersedes(LatestValue other) {
            return WindowVersion.supersedes(
                    windowStart, revision, other.windowStart, other.revision);
        }
    }

    /** What the publisher takes in one round. */
    record Work(List<StreamMessage> messages, List<LatestValue> latest) {
        boolean isEmpty() {
            return messages.isEmpty() && latest.isEmpty();
        }
    }

    private record Slot(String hashKey, String field) {}

    private final long maxBytes;
    private final RedisSinkMetrics metrics;
    private final ArrayDeque<StreamMessage> messages = new ArrayDeque<>();
    private final Map<Slot, LatestValue> latest = new LinkedHashMap<>();
    private long messageBytes;

    PendingUpdates(long maxBytes, RedisSinkMetrics metrics) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Adds the task thread's new updates and wakes the publisher. */
    synchronized void add(List<StreamMessage> newMessages, List<LatestValue> newLatest) {
        for (StreamMessage m : newMessages) {
            messages.addLast(m);
            messageBytes += m.size();
        }
        trim();
        for (LatestValue v : newLatest) {
            merge(v);
        }
        notifyAll();
    }

    /** Takes everything pending; empty work when nothing is. */
    synchronized Work takeAll() {
        List<StreamMessage> m = new ArrayList<>(messages);
        List<LatestValue> l = new ArrayList<>(latest.values());
        messages.clear();
        latest.clear();
        messageBytes = 0;
        return new Work(m, l);
    }

    /**
     * Puts back work that could not be written: its messages before the ones that came meanwhile
     * (they are older), its latest values unless a newer one came meanwhile.
     */
    synchronized void putBack(List<StreamMessage> oldMessages, List<LatestValue> oldLatest) {
        for (int i = oldMessages.size() - 1; i >= 0; i--) {
            messages.addFirst(oldMessages.get(i));
            messageBytes += oldMessages.get(i).size();
        }
        trim();
        for (LatestValue v : oldLatest) {
            merge(v);
        }
    }

    synchronized boolean isEmpty() {
        return messages.isEmpty() && latest.isEmpty();
    }

    synchronized int messageCount() {
        return messages.size();
    }

    synchronized long messageBytes() {
        return messageBytes;
    }

    synchronized int latestCount() {
        return latest.size();
    }

    /** Drops the oldest messages while over budget. */
    private void trim() {
        Iterator<StreamMessage> oldestFirst = messages.iterator();
        while (messageBytes > maxBytes && oldestFirst.hasNext()) {
            StreamMessage dropped = oldestFirst.next();
            oldestFirst.remove();
            messageBytes -= dropped.size();
            metrics.messageDropped(dropped.tags());
        }
    }

    private void merge(LatestValue v) {
        Slot slot = new Slot(v.hashKey(), v.field());
        LatestValue current = latest.get(slot);
        if (current == null) {
            latest.put(slot, v);
        } else if (v.supersedes(current)) {
            latest.put(slot, v);
            metrics.latestConflated();
        } else {
            metrics.latestConflated();
        }
    }
}
