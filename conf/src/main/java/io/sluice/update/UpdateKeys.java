package io.sluice.update;

import java.util.Objects;

/**
 * The Redis key layout of the live updates and the channel-group rule: what the job writes where,
 * and where websocket-sink finds it. The contract is in conf/samples/updates/README.md.
 *
 * <ul>
 *   <li>{@code <stream prefix>:<window>}, like {@code sluice:updates:1s}: a stream per window size;
 *       each entry is one {@link GroupUpdate}, fields {@value #FIELD_GROUP} (the group) and {@value
 *       #FIELD_DATA} (the JSON of {@link UpdateCodec#encodeMessage}).
 *   <li>{@code <latest prefix>:<window>:<group>}, like {@code sluice:latest:1s:plant1.area03}: a
 *       hash per window size and group; field = the tag's name within the group, value = {@link
 *       UpdateCodec#encodeLatest}.
 * </ul>
 */
public final class UpdateKeys {
    /** Default of {@code redis.stream.prefix}. */
    public static final String DEFAULT_STREAM_PREFIX = "sluice:updates";

    /** Default of {@code redis.latest.prefix}. */
    public static final String DEFAULT_LATEST_PREFIX = "sluice:latest";

    /** Stream entry field holding the channel group. */
    public static final String FIELD_GROUP = "g";

    /** Stream entry field holding the message's JSON. */
    public static final String FIELD_DATA = "d";

    private UpdateKeys() {}

    /**
     * A window length as a key segment: 1000 is {@code 1s}, 60000 {@code 1m}, then {@code h},
     * {@code d}, else {@code ms}.
     */
    public static String windowLabel(long windowMs) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("windowMs must be positive: " + windowMs);
        }
        if (windowMs % 86_400_000L == 0) {
            return windowMs / 86_400_000L + "d";
        }
        if (windowMs % 3_600_000L == 0) {
            return windowMs / 3_600_000L + "h";
        }
        if (windowMs % 60_000L == 0) {
            return windowMs / 60_000L + "m";
        }
        if (windowMs % 1000L == 0) {
            return windowMs / 1000L + "s";
        }
        return windowMs + "ms";
    }

    /** The stream of one window size: {@code sluice:updates:1s}. */
    public static String streamKey(String streamPrefix, long windowMs) {
        return Objects.requireNonNull(streamPrefix, "streamPrefix") + ":" + windowLabel(windowMs);
    }

    /**
     * The latest-values hash of one window size and group: {@code sluice:latest:1s:plant1.area03}.
     */
    public static String latestKey(String latestPrefix, long windowMs, String group) {
        return Objects.requireNonNull(latestPrefix, "latestPrefix")
                + ":"
                + windowLabel(windowMs)
                + ":"
                + Objects.requireNonNull(group, "group");
    }

    /**
     * The channel group of a tag: its first {@code depth} segments, but never the whole tag, so
     * that a name is left (depth 2: {@code plant1.area03.pump007.pressure} is in {@code
     * plant1.area03}, {@code plant1.x} in {@code plant1}). A tag of one segment is its own group,
     * with the empty name.
     */
    public static String groupOf(String tag, int depth) {
        return tag.substring(0, groupEnd(tag, depth));
    }

    /** The tag without its group's prefix and the dot after it: {@code pump007.pressure}. */
    public static String nameInGroup(String tag, int depth) {
        int end = groupEnd(tag, depth);
        return end == tag.length() ? "" : tag.substring(end + 1);
    }

    /**
     * The full tag of a name within a group; the inverse of {@link #groupOf} and {@link
     * #nameInGroup}.
     */
    public static String tagOf(String group, String name) {
        return name.isEmpty() ? group : group + "." + name;
    }

    /**
     * Index of the end of the group in the tag: the dot after it, or the tag's length for a
     * one-segment tag.
     */
    static int groupEnd(String tag, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("the group depth must be at least 1: " + depth);
        }
        int lastDot = -1;
        int dots = 0;
        for (int i = 0; i < tag.length(); i++) {
            if (tag.charAt(i) == '.') {
                lastDot = i;
                if (++dots == depth) {
                    return i;
                }
            }
        }
        return lastDot >= 0 ? lastDot : tag.length();
    }
}
