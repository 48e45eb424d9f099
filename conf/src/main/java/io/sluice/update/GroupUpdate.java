package io.sluice.update;

import java.util.List;
import java.util.Objects;

/**
 * One live-update message: the tags of one channel group whose window of one size and start closed
 * (or was revised), as one Redis stream entry carries them.
 *
 * @param group the channel group, like {@code plant1.area03}
 * @param windowMs the window length, milliseconds
 * @param windowStart the window start, epoch milliseconds; every tag's {@link
 *     TagUpdate#windowStart()}
 * @param tags the group's tags in this window, each once
 */
public record GroupUpdate(String group, long windowMs, long windowStart, List<TagUpdate> tags) {
    public GroupUpdate {
        Objects.requireNonNull(group, "group");
        if (windowMs <= 0) {
            throw new IllegalArgumentException("windowMs must be positive: " + windowMs);
        }
        tags = List.copyOf(tags);
        for (TagUpdate t : tags) {
            if (t.windowStart() != windowStart) {
                throw new IllegalArgumentException(
                        "tag "
                                + t.name()
                                + " is of window "
                                + t.windowStart()
                                + ", the message of "
                                + windowStart);
            }
        }
    }
}
