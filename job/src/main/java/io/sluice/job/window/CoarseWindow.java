package io.sluice.job.window;

/** A coarse window being assembled from its finest windows, kept until its lateness passes. */
public final class CoarseWindow {
    /** The value the signal holds at the window's start, if any reading came before it. */
    public boolean hasHeld;

    public double held;

    /**
     * Whether {@link #firstFineStart} is known: false in a window restored from a savepoint taken
     * before the field existed, which then looks its first finest window up in state.
     */
    public boolean firstFineKnown;

    /** The start of the earliest finest window noted in this window: the one that sets held. */
    public long firstFineStart;

    /** The figures last emitted, or null before the window closes. */
    public WindowStats emitted;

    public CoarseWindow() {}
}
