package io.sluice.websocket.webhook;

import io.sluice.websocket.app.Webhook;

/**
 * One event of a Pusher webhook's {@code events} list. The fields a type does not have are null.
 *
 * @param name the type: one of {@link Webhook#EVENT_TYPES}
 * @param channel the channel it is about
 * @param userId member_added, member_removed; client_event on a presence channel
 * @param event client_event: the client event's name
 * @param data client_event: the client event's data, as the client sent it
 * @param socketId client_event: the sender's socket id
 */
public record WebhookEvent(
        String name, String channel, String userId, String event, String data, String socketId) {

    public static WebhookEvent channelOccupied(String channel) {
        return new WebhookEvent(Webhook.CHANNEL_OCCUPIED, channel, null, null, null, null);
    }

    public static WebhookEvent channelVacated(String channel) {
        return new WebhookEvent(Webhook.CHANNEL_VACATED, channel, null, null, null, null);
    }

    public static WebhookEvent memberAdded(String channel, String userId) {
        return new WebhookEvent(Webhook.MEMBER_ADDED, channel, userId, null, null, null);
    }

    public static WebhookEvent memberRemoved(String channel, String userId) {
        return new WebhookEvent(Webhook.MEMBER_REMOVED, channel, userId, null, null, null);
    }

    /**
     * @param userId the sender's user id on a presence channel, else null
     */
    public static WebhookEvent clientEvent(
            String channel, String event, String data, String socketId, String userId) {
        return new WebhookEvent(Webhook.CLIENT_EVENT, channel, userId, event, data, socketId);
    }

    public static WebhookEvent cacheMiss(String channel) {
        return new WebhookEvent(Webhook.CACHE_MISS, channel, null, null, null, null);
    }
}
