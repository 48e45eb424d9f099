package io.sluice.simulator.signal;

import java.util.SplittableRandom;

/**
 * The physical process behind one tag: its next value at an event time.
 *
 * <p>Signals are called in event-time order with the tag's own random stream, so that a tag's
 * values depend only on the seed and its own history, never on the other tags or on faults.
 */
public interface Signal {
    double next(long ts, SplittableRandom random);
}
