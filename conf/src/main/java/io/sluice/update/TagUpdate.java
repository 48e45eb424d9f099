package io.sluice.update;

import io.sluice.reading.Quality;

import java.util.Objects;

/**
 * The live statistics of one tag over one window, as the Redis live updates carry them.
 *
 * <p>{@code name} is the tag without its channel group's prefix ({@code pump007.pressure} in group
 * {@code plant1.area03}; see {@link UpdateKeys#nameInGroup}). {@code mean}, {@code sd} and {@code
 * twa} are derived figures that the codec rounds to a few significant digits; {@code min}, {@code
 * max} and {@code last} are readings' values and travel exactly. A figure that is not finite (the
 * min of an empty window) travels as JSON {@code null} and comes back as NaN.
 *
 * @param name the tag within its channel group; empty when the tag is the group itself
 * @param windowStart the window's start, epoch milliseconds
 * @param count readings in the window
 * @param min smallest value
 * @param max largest value
 * @param mean arithmetic mean
 * @param sd population standard deviation
 * @param twa time-weighted average
 * @param last the window's last value
 * @param quality worst quality of the window's readings
 * @param revision 0 for the window's first emission, one more for each late revision
 */
public record TagUpdate(
        String name,
        long windowStart,
        long count,
        double min,
        double max,
        double mean,
        double sd,
        double twa,
        double last,
        Quality quality,
        int revision) {

    public TagUpdate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(quality, "quality");
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative: " + revision);
        }
    }

    /** The full tag, given the channel group this update belongs to. */
    public String tag(String group) {
        return UpdateKeys.tagOf(group, name);
    }

    /**
     * True when this update supersedes {@code other} for the latest value: a later window, or the
     * same window's later (or equal) revision.
     */
    public boolean supersedes(TagUpdate other) {
        return WindowVersion.supersedes(windowStart, revision, other.windowStart, other.revision);
    }
}
