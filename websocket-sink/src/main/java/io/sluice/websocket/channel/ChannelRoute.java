package io.sluice.websocket.channel;

/**
 * What a channel name means here.
 *
 * @param name the channel's full name, as subscribed
 * @param isPrivate a {@code private-} channel: subscribing needs an auth signature
 * @param windowMs the window size of the updates it carries; 0 for a channel that carries only the
 *     HTTP API's events
 * @param group the channel group it carries; null for every group (or no updates)
 */
public record ChannelRoute(String name, boolean isPrivate, long windowMs, String group) {
    /** True when the channel carries the job's updates. */
    public boolean carriesUpdates() {
        return windowMs > 0;
    }

    /** True when it carries the updates of this group. */
    public boolean carries(String updateGroup) {
        return carriesUpdates() && (group == null || group.equals(updateGroup));
    }
}
