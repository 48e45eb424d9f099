package io.sluice.job.window;

import io.sluice.job.serde.HandWrittenTypeInfo;
import io.sluice.job.serde.TagField;
import io.sluice.reading.Quality;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Writes a {@link WindowStats} field by field, for the edge from the windows to the live sink's
 * keyBy: no reflection, no boxing, the tag read back through a tag cache. The windows' keyed state
 * keeps Flink's POJO serializer for WindowStats, so savepoints taken before this serializer existed
 * restore unchanged.
 */
public final class WindowStatsSerializer extends TypeSerializer<WindowStats> {
    private static final long serialVersionUID = 1L;

    public static final TypeInformation<WindowStats> TYPE_INFO =
            new HandWrittenTypeInfo<>(WindowStats.class, WindowStatsSerializer::new);

    /** Every field but the tag: 17 longs and doubles, the quality byte, the revision int. */
    private static final int FIXED_BYTES = 8 * 17 + 1 + 4;

    private static final Quality[] QUALITIES = Quality.values();

    /** Made on first use: a serializer travels to the task as Java-serialized bytes. */
    private transient TagField tags;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<WindowStats> duplicate() {
        return new WindowStatsSerializer(); // the tag cache is per thread
    }

    @Override
    public WindowStats createInstance() {
        return new WindowStats();
    }

    @Override
    public WindowStats copy(WindowStats from) {
        return copy(from, new WindowStats());
    }

    @Override
    public WindowStats copy(WindowStats from, WindowStats to) {
        return to.set(from);
    }

    @Override
    public int getLength() {
        return -1;
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
    public WindowStats deserialize(DataInputView in) throws IOException {
        return deserialize(new WindowStats(), in);
    }

    @Override
    public WindowStats deserialize(WindowStats w, DataInputView in) throws IOException {
        if (tags == null) {
            tags = new TagField();
        }
        w.tag = tags.read(in);
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
        w.worstQuality = quality < 0 ? null : QUALITIES[quality];
        w.revision = in.readInt();
        return w;
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        TagField.copy(in, out);
        out.write(in, FIXED_BYTES);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowStatsSerializer;
    }

    @Override
    public int hashCode() {
        return WindowStatsSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<WindowStats> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration: its snapshot is its version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<WindowStats> {
        public Snapshot() {
            super(WindowStatsSerializer::new);
        }
    }
}
