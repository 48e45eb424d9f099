package io.sluice.job.sinks.redis;

import io.sluice.job.window.WindowStats;
import io.sluice.update.UpdateKeys;

import org.apache.flink.api.java.functions.KeySelector;

/**
 * The channel group of a window's tag ({@link UpdateKeys#groupOf}), to key the Redis sink's input
 * by.
 */
public final class ChannelGroupKeySelector implements KeySelector<WindowStats, String> {
    private static final long serialVersionUID = 1L;

    private final int depth;

    public ChannelGroupKeySelector(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("the group depth must be at least 1: " + depth);
        }
        this.depth = depth;
    }

    @Override
    public String getKey(WindowStats stats) {
        return UpdateKeys.groupOf(stats.tag, depth);
    }
}
