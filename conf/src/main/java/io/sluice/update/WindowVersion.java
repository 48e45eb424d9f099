package io.sluice.update;

/**
 * Which of two emissions of a tag's window figures to keep: the rule every store and queue of
 * updates applies (the history upsert, the latest hashes, the sinks' batches, the websocket queues,
 * the dashboard).
 *
 * <p>A version is the pair (window start, revision). A later window supersedes an earlier one,
 * whatever their revisions; within one window, a later or equal revision supersedes: an equal one
 * is a retry or a repeat of itself, and taking it keeps the newest arrival. The copies of this rule
 * in Lua ({@code RedisPublisher}), SQL ({@code HistorySink}) and JavaScript (the dashboard's {@code
 * window-version.js}) are tested against the same vectors, conf/samples/updates/supersedes.tsv.
 */
public final class WindowVersion {
    private WindowVersion() {}

    /**
     * True when the version (windowStart, revision) supersedes (heldStart, heldRevision): a later
     * window, or the same window with a revision at least as high.
     */
    public static boolean supersedes(
            long windowStart, int revision, long heldStart, int heldRevision) {
        return windowStart != heldStart ? windowStart > heldStart : revision >= heldRevision;
    }

    /**
     * The same rule for what carries no single revision (a frame of many tags, in stream order):
     * every revision counts as equal, so a later window or the same window again supersedes.
     */
    public static boolean supersedes(long windowStart, long heldStart) {
        return supersedes(windowStart, 0, heldStart, 0);
    }
}
