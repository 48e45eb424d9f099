package io.sluice.job.window;

/** A coarse window being assembled from its finest windows, kept until its lateness passes. */
public final class CoarseWindow {
    /** The value the signal holds at the window's start, if any reading came before it. */
    public boolean hasHeld;

    public double held;

    /** The figures last emitted, or null before the window closes. */
    public WindowStats emitted;

    public CoarseWindow() {}
}
