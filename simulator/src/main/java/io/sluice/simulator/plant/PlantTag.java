package io.sluice.simulator.plant;

import io.sluice.reading.Quality;
import io.sluice.simulator.signal.QualityModel;
import io.sluice.simulator.signal.Signal;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * One simulated tag: its name, the process behind it, its transmitter's health and its own
 * randomness.
 */
public final class PlantTag {
    private final String name;
    private final byte[] key;
    private final long phaseMs;
    private final Signal signal;
    private final QualityModel health;
    private final SplittableRandom random;
    private double value;

    PlantTag(
            String name,
            long phaseMs,
            Signal signal,
            QualityModel health,
            SplittableRandom random) {
        this.name = name;
        this.key = name.getBytes(StandardCharsets.US_ASCII);
        this.phaseMs = phaseMs;
        this.signal = signal;
        this.health = health;
        this.random = random;
    }

    public String name() {
        return name;
    }

    /** The Kafka record key: the tag's bytes, shared by all its records. */
    public byte[] key() {
        return key;
    }

    /** Offset of this tag's readings within each interval, so that readings spread over time. */
    public long phaseMs() {
        return phaseMs;
    }

    /**
     * Advances the tag to its reading at {@code ts}.
     *
     * @return false during a dropout (no reading is sent); otherwise {@link #value()} and {@link
     *     #quality()} hold the reading
     */
    public boolean advance(long ts) {
        health.advance(random);
        // The process runs on during a dropout; only the link is down.
        value = Math.rint(signal.next(ts, random) * 1000) / 1000; // transmitters resolve to 0.001
        return health.sends();
    }

    public double value() {
        return value;
    }

    public Quality quality() {
        return health.quality();
    }
}
