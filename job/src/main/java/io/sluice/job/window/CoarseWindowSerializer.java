package io.sluice.job.window;

import io.sluice.job.serde.HandWrittenSerializer;
import io.sluice.job.serde.MigratesFromPojo;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Writes a {@link CoarseWindow}: its held value, its first finest window, and the figures last
 * emitted (if any, with {@link WindowStatsSerializer}). The POJO serializer's state migrates on
 * restore.
 */
public final class CoarseWindowSerializer extends HandWrittenSerializer<CoarseWindow> {
    private static final long serialVersionUID = 1L;

    private final WindowStatsSerializer windows = new WindowStatsSerializer();

    @Override
    public TypeSerializer<CoarseWindow> duplicate() {
        return new CoarseWindowSerializer(); // its windows' tag cache is per thread
    }

    @Override
    public CoarseWindow createInstance() {
        return new CoarseWindow();
    }

    @Override
    public CoarseWindow copy(CoarseWindow from, CoarseWindow to) {
        to.hasHeld = from.hasHeld;
        to.held = from.held;
        to.firstFineKnown = from.firstFineKnown;
        to.firstFineStart = from.firstFineStart;
        to.emitted = from.emitted == null ? null : windows.copy(from.emitted);
        return to;
    }

    @Override
    public void serialize(CoarseWindow w, DataOutputView out) throws IOException {
        out.writeBoolean(w.hasHeld);
        out.writeLong(Double.doubleToRawLongBits(w.held));
        out.writeBoolean(w.firstFineKnown);
        out.writeLong(w.firstFineStart);
        out.writeBoolean(w.emitted != null);
        if (w.emitted != null) {
            windows.serialize(w.emitted, out);
        }
    }

    @Override
    public CoarseWindow deserialize(CoarseWindow w, DataInputView in) throws IOException {
        w.hasHeld = in.readBoolean();
        w.held = Double.longBitsToDouble(in.readLong());
        w.firstFineKnown = in.readBoolean();
        w.firstFineStart = in.readLong();
        w.emitted = in.readBoolean() ? windows.deserialize(in) : null;
        return w;
    }

    @Override
    public TypeSerializerSnapshot<CoarseWindow> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Reads the window as the POJO serializer wrote it before this one existed. */
    public static final class Snapshot extends MigratesFromPojo<CoarseWindow> {
        public Snapshot() {
            super(CoarseWindowSerializer::new);
        }
    }
}
