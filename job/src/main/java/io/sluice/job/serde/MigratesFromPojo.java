package io.sluice.job.serde;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;

import java.util.function.Supplier;

/**
 * The snapshot of a hand-written serializer for a type that state once kept with Flink's POJO
 * serializer: state written that way is read with the POJO serializer and written again with this
 * one (Flink's state migration), so savepoints from before the change restore.
 */
public class MigratesFromPojo<T> extends SimpleTypeSerializerSnapshot<T> {
    public MigratesFromPojo(Supplier<? extends TypeSerializer<T>> serializer) {
        super(serializer);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> old) {
        if (old instanceof PojoSerializerSnapshot) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return super.resolveSchemaCompatibility(old);
    }
}
