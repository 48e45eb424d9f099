package io.sluice.job.serde;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * What the job's hand-written serializers share: mutable types of variable length, a tag cache per
 * instance (so {@link #duplicate} makes a new one), and equality by class. A subclass writes and
 * reads its fields; copying between views goes through them.
 */
public abstract class HandWrittenSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    /** Made on first use: a serializer travels to the task as Java-serialized bytes. */
    private transient TagField tags;

    /** The tag cache of this instance, for reading tags back. */
    protected final TagField tags() {
        if (tags == null) {
            tags = new TagField();
        }
        return tags;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public T copy(T from) {
        return copy(from, createInstance());
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T deserialize(DataInputView in) throws IOException {
        return deserialize(createInstance(), in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
