package io.sluice.job.window;

import io.sluice.job.serde.HandWrittenSerializer;
import io.sluice.job.serde.HandWrittenTypeInfo;
import io.sluice.job.serde.MigratesFromPojo;
import io.sluice.job.serde.TagField;
import io.sluice.reading.Quality;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Writes a {@link WindowStats} field by field: on the edge from the windows to the live sink's
 * keyBy, and in the windows' state (where a finest window has no tag: it is the key). No
 * reflection, no boxing, the tag read back through a tag cache. State that Flink's POJO serializer
 * wrote before this one existed migrates on restore ({@link MigratesFromPojo}).
 */
public final class WindowStatsSerializer extends HandWrittenSerializer<WindowStats> {
    private static final long serialVersionUID = 1L;

    public static final TypeInformation<WindowStats> TYPE_INFO =
            new HandWrittenTypeInfo<>(WindowStats.class, WindowStatsSerializer::new);

    @Override
    public TypeSerializer<WindowStats> duplicate() {
        return new WindowStatsSerializer(); // the tag cache is per thread
    }

    @Override
    public WindowStats createInstance() {
        return new WindowStats();
    }

    @Override
    public WindowStats copy(WindowStats from, WindowStats to) {
        return to.set(from);
    }

    @Override
    public void serialize(WindowStats w, DataOutputView out) throws IOException {
        TagField.write(w.tag, out);
        out.writeLong(w.windowMs);
        out.writeLong(w.windowStart);
        out.writeLong(w.count);
        out.writeLong(w.goodCount);
        out.writeLong(w.uncertainCount);
        out.writeLong(w.badCount);
        out.writeDouble(w.sum);
        out.writeDouble(w.min);
        out.writeDouble(w.max);
        out.writeLong(w.firstTs);
        out.writeDouble(w.firstValue);
        out.writeLong(w.lastTs);
        out.writeDouble(w.lastValue);
        out.writeDouble(w.mean);
        out.writeDouble(w.m2);
        out.writeDouble(w.twaArea);
        out.writeLong(w.twaSpanMs);
        out.writeByte(w.worstQuality == null ? -1 : w.worstQuality.ordinal());
        out.writeInt(w.revision);
    }

    @Override
    public WindowStats deserialize(WindowStats w, DataInputView in) throws IOException {
        w.tag = tags().read(in);
        w.windowMs = in.readLong();
        w.windowStart = in.readLong();
        w.count = in.readLong();
        w.goodCount = in.readLong();
        w.uncertainCount = in.readLong();
        w.badCount = in.readLong();
        w.sum = in.readDouble();
        w.min = in.readDouble();
        w.max = in.readDouble();
        w.firstTs = in.readLong();
        w.firstValue = in.readDouble();
        w.lastTs = in.readLong();
        w.lastValue = in.readDouble();
        w.mean = in.readDouble();
        w.m2 = in.readDouble();
        w.twaArea = in.readDouble();
        w.twaSpanMs = in.readLong();
        byte quality = in.readByte();
        w.worstQuality = quality < 0 ? null : Quality.ofOrdinal(quality);
        w.revision = in.readInt();
        return w;
    }

    @Override
    public TypeSerializerSnapshot<WindowStats> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Reads the windows' state as the POJO serializer wrote it before this one existed. */
    public static final class Snapshot extends MigratesFromPojo<WindowStats> {
        public Snapshot() {
            super(WindowStatsSerializer::new);
        }
    }
}
