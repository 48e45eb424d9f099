package io.sluice.job.batch;

import io.sluice.reading.Quality;
import io.sluice.reading.Reading;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Arrays;

/**
 * Readings of one tag, in the order they came, as parallel primitive arrays: what crosses the keyBy
 * between the source and the windows. A batch is any subset of a tag's readings: the windows treat
 * each reading of it as if it had come alone.
 */
@TypeInfo(ReadingBatchSerializer.TypeInfoFactory.class)
public final class ReadingBatch {

    public String tag;
    public int size;
    public long[] ts;
    public double[] values;

    /** Quality ordinals. */
    public byte[] qualities;

    public ReadingBatch() {
        this(null, 8);
    }

    public ReadingBatch(String tag, int capacity) {
        this.tag = tag;
        this.ts = new long[capacity];
        this.values = new double[capacity];
        this.qualities = new byte[capacity];
    }

    /** A batch of one reading. */
    public static ReadingBatch of(Reading reading) {
        ReadingBatch batch = new ReadingBatch(reading.tag, 1);
        batch.add(reading.ts, reading.value, reading.quality);
        return batch;
    }

    public void add(long t, double value, Quality quality) {
        ensureCapacity(size + 1);
        ts[size] = t;
        values[size] = value;
        qualities[size] = (byte) quality.ordinal();
        size++;
    }

    public Quality quality(int i) {
        return Quality.ofOrdinal(qualities[i]);
    }

    /** Reading i, as a new {@link Reading}. */
    public Reading reading(int i) {
        return new Reading(tag, ts[i], values[i], quality(i));
    }

    /** Makes room for {@code capacity} readings, keeping those here. */
    public void ensureCapacity(int capacity) {
        if (capacity > ts.length) {
            int grown = Math.max(capacity, ts.length * 2);
            ts = Arrays.copyOf(ts, grown);
            values = Arrays.copyOf(values, grown);
            qualities = Arrays.copyOf(qualities, grown);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ReadingBatch)) {
            return false;
        }
        ReadingBatch b = (ReadingBatch) o;
        return size == b.size
                && tag.equals(b.tag)
                && Arrays.equals(ts, 0, size, b.ts, 0, size)
                && Arrays.equals(values, 0, size, b.values, 0, size)
                && Arrays.equals(qualities, 0, size, b.qualities, 0, size);
    }

    @Override
    public int hashCode() {
        return 31 * tag.hashCode() + size;
    }

    @Override
    public String toString() {
        return "ReadingBatch{" + tag + " x" + size + "}";
    }
}
