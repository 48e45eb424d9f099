package io.sluice.websocket.channel;

/**
 * What a channel name means here.
 *
 * @param name the channel's full name, as subscribed
 * @param type public, private, private-encrypted or presence
 * @param cache a cache channel ({@code cache-}, {@code private-cache-}, {@code presence-cache-},
 *     {@code private-encrypted-cache-}): its last event is replayed to a new subscriber
 * @param windowMs the window size of the updates it carries; 0 for a channel that carries only the
 *     HTTP API's and the clients' events
 * @param group the channel group it carries; null for every group (or no updates)
 */
public record ChannelRoute(
        String name, ChannelType type, boolean cache, long windowMs, String group) {

    /** True when subscribing needs an auth signature. */
    public boolean isPrivate() {
        return type.needsAuth();
    }

    public boolean isPresence() {
        return type == ChannelType.PRESENCE;
    }

    public boolean isEncrypted() {
        return type == ChannelType.PRIVATE_ENCRYPTED;
    }

    /** True where clients may send client events: private and presence channels, not encrypted. */
    public boolean allowsClientEvents() {
        return type == ChannelType.PRIVATE || type == ChannelType.PRESENCE;
    }

    /** True when the channel carries the job's updates. */
    public boolean carriesUpdates() {
        return windowMs > 0;
    }

    /** True when it carries the updates of this group. */
    public boolean carries(String updateGroup) {
        return carriesUpdates() && (group == null || group.equals(updateGroup));
    }
}
