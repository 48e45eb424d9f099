package io.sluice.reading;

import java.util.Objects;

/**
 * One sensor reading: a tag, its event time, its value and its quality.
 *
 * <p>A mutable POJO with public fields, so that Flink serialises it with its POJO serializer (no
 * Kryo) and a decoder can fill one instance again and again without garbage.
 */
public final class Reading {
    /** Hierarchical tag, like plant1.area3.pump07.pressure. */
    public String tag;

    /** Event time, epoch milliseconds UTC. */
    public long ts;

    /** The value; digital points are 0 or 1. Always finite. */
    public double value;

    /** How far the value can be trusted. */
    public Quality quality = Quality.GOOD;

    public Reading() {}

    public Reading(String tag, long ts, double value, Quality quality) {
        this.tag = tag;
        this.ts = ts;
        this.value = value;
        this.quality = quality;
    }

    /** Copies another reading's fields into this one. */
    public Reading set(Reading other) {
        this.tag = other.tag;
        this.ts = other.ts;
        this.value = other.value;
        this.quality = other.quality;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Reading)) {
            return false;
        }
        Reading r = (Reading) o;
        // Bitwise, so that -0.0 and 0.0 differ as they do on the wire.
        return ts == r.ts
                && Double.doubleToLongBits(value) == Double.doubleToLongBits(r.value)
                && Objects.equals(tag, r.tag)
                && quality == r.quality;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tag, ts, value, quality);
    }

    @Override
    public String toString() {
        return "Reading{" + tag + " @" + ts + " = " + value + " (" + quality.wire() + ")}";
    }
}
