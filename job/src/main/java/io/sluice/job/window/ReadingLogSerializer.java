package io.sluice.job.window;

import io.sluice.job.serde.HandWrittenSerializer;
import io.sluice.job.serde.MigratesFromPojo;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Writes a tag's {@link ReadingLog}: its readings (17 bytes each, not the arrays' spare room), the
 * carry and how far windows were emitted. RocksDB reads and writes the log for every batch and
 * timer, so it is the state's hottest serializer. The POJO serializer's state migrates on restore.
 */
public final class ReadingLogSerializer extends HandWrittenSerializer<ReadingLog> {
    private static final long serialVersionUID = 1L;

    @Override
    public TypeSerializer<ReadingLog> duplicate() {
        return this; // no tags, nothing per thread
    }

    @Override
    public ReadingLog createInstance() {
        return new ReadingLog();
    }

    @Override
    public ReadingLog copy(ReadingLog from, ReadingLog to) {
        to.ts = from.ts.clone();
        to.values = from.values.clone();
        to.qualities = from.qualities.clone();
        to.size = from.size;
        to.hasCarry = from.hasCarry;
        to.carryTs = from.carryTs;
        to.carryValue = from.carryValue;
        to.emittedUpTo = from.emittedUpTo;
        return to;
    }

    @Override
    public void serialize(ReadingLog log, DataOutputView out) throws IOException {
        out.writeInt(log.size);
        for (int i = 0; i < log.size; i++) {
            out.writeLong(log.ts[i]);
            out.writeLong(Double.doubleToRawLongBits(log.values[i]));
            out.writeByte(log.qualities[i]);
        }
        out.writeBoolean(log.hasCarry);
        out.writeLong(log.carryTs);
        out.writeLong(Double.doubleToRawLongBits(log.carryValue));
        out.writeLong(log.emittedUpTo);
    }

    @Override
    public ReadingLog deserialize(ReadingLog log, DataInputView in) throws IOException {
        int size = in.readInt();
        int capacity = Math.max(16, Integer.highestOneBit(Math.max(1, size)) << 1);
        if (log.ts.length < size) {
            log.ts = new long[capacity];
            log.values = new double[capacity];
            log.qualities = new byte[capacity];
        }
        for (int i = 0; i < size; i++) {
            log.ts[i] = in.readLong();
            log.values[i] = Double.longBitsToDouble(in.readLong());
            log.qualities[i] = in.readByte();
        }
        log.size = size;
        log.hasCarry = in.readBoolean();
        log.carryTs = in.readLong();
        log.carryValue = Double.longBitsToDouble(in.readLong());
        log.emittedUpTo = in.readLong();
        return log;
    }

    @Override
    public TypeSerializerSnapshot<ReadingLog> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Reads the log as the POJO serializer wrote it before this one existed. */
    public static final class Snapshot extends MigratesFromPojo<ReadingLog> {
        public Snapshot() {
            super(ReadingLogSerializer::new);
        }
    }
}
