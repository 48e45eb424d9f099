package io.sluice.job.batch;

import io.sluice.job.serde.HandWrittenSerializer;
import io.sluice.job.serde.HandWrittenTypeInfo;
import io.sluice.job.serde.TagField;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * Writes a {@link ReadingBatch} field by field: the tag, the count, then 17 bytes a reading (time,
 * value bits, quality ordinal). No reflection and no boxing; the tag is read back through a tag
 * cache. Keeps a snapshot, so that a savepoint holding batches (unaligned checkpoints keep records
 * in flight) restores.
 */
public final class ReadingBatchSerializer extends HandWrittenSerializer<ReadingBatch> {
    private static final long serialVersionUID = 1L;

    public static final TypeInformation<ReadingBatch> TYPE_INFO =
            new HandWrittenTypeInfo<>(ReadingBatch.class, ReadingBatchSerializer::new);

    @Override
    public TypeSerializer<ReadingBatch> duplicate() {
        return new ReadingBatchSerializer(); // the tag cache is per thread
    }

    @Override
    public ReadingBatch createInstance() {
        return new ReadingBatch();
    }

    @Override
    public ReadingBatch copy(ReadingBatch from, ReadingBatch reuse) {
        reuse.tag = from.tag;
        reuse.size = 0;
        reuse.ensureCapacity(from.size);
        System.arraycopy(from.ts, 0, reuse.ts, 0, from.size);
        System.arraycopy(from.values, 0, reuse.values, 0, from.size);
        System.arraycopy(from.qualities, 0, reuse.qualities, 0, from.size);
        reuse.size = from.size;
        return reuse;
    }

    @Override
    public void serialize(ReadingBatch batch, DataOutputView out) throws IOException {
        TagField.write(batch.tag, out);
        out.writeInt(batch.size);
        for (int i = 0; i < batch.size; i++) {
            out.writeLong(batch.ts[i]);
            out.writeLong(Double.doubleToRawLongBits(batch.values[i]));
            out.writeByte(batch.qualities[i]);
        }
    }

    @Override
    public ReadingBatch deserialize(ReadingBatch reuse, DataInputView in) throws IOException {
        reuse.tag = tags().read(in);
        int size = in.readInt();
        reuse.size = 0;
        reuse.ensureCapacity(size);
        for (int i = 0; i < size; i++) {
            reuse.ts[i] = in.readLong();
            reuse.values[i] = Double.longBitsToDouble(in.readLong());
            reuse.qualities[i] = in.readByte();
        }
        reuse.size = size;
        return reuse;
    }

    @Override
    public TypeSerializerSnapshot<ReadingBatch> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Found through {@link ReadingBatch}'s annotation, wherever Flink extracts its type. */
    public static final class TypeInfoFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<ReadingBatch> {
        @Override
        public TypeInformation<ReadingBatch> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE_INFO;
        }
    }

    /** The serializer has no configuration: its snapshot is its version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ReadingBatch> {
        public Snapshot() {
            super(ReadingBatchSerializer::new);
        }
    }
}
