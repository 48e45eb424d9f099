package io.sluice.websocket.app;

import io.sluice.websocket.protocol.Signatures;

import java.util.List;
import java.util.Objects;

/**
 * One Pusher app this server serves, in the shape of Soketi's {@code appManager.array.apps}: its
 * credentials, its limits, and its webhooks. A limit of -1 means none.
 *
 * @param id the app id, in the HTTP API's path /apps/{id}
 * @param key the key clients connect with (/app/{key}) and the HTTP API's auth_key
 * @param secret signs channel auth, sign-in, the HTTP API's requests and the webhooks
 * @param enabled a disabled app's clients are refused with 4003
 * @param maxConnections most connections of this app on one instance, or -1
 * @param enableClientMessages whether clients may send client-* events
 * @param maxBackendEventsPerSecond most events per second the HTTP API takes for this app, or -1
 * @param maxClientEventsPerSecond most client events per second of one connection, or -1
 * @param maxReadRequestsPerSecond most HTTP API queries per second, or -1
 * @param maxPresenceMembersPerChannel most members of one presence channel
 * @param maxPresenceMemberSizeInKb most kilobytes of one member's user info
 * @param maxEventPayloadInKb most kilobytes of one event's data
 * @param webhooks where its webhooks go
 * @param signatures the HMACs with its secret
 */
public record App(
        String id,
        String key,
        String secret,
        boolean enabled,
        int maxConnections,
        boolean enableClientMessages,
        int maxBackendEventsPerSecond,
        int maxClientEventsPerSecond,
        int maxReadRequestsPerSecond,
        int maxPresenceMembersPerChannel,
        int maxPresenceMemberSizeInKb,
        int maxEventPayloadInKb,
        List<Webhook> webhooks,
        Signatures signatures) {

    /** Pusher's limits, where an app does not set its own. */
    public static final int DEFAULT_MAX_CLIENT_EVENTS_PER_SECOND = 10;

    public static final int DEFAULT_MAX_PRESENCE_MEMBERS = 100;
    public static final int DEFAULT_MAX_PRESENCE_MEMBER_SIZE_KB = 1;
    public static final int DEFAULT_MAX_EVENT_PAYLOAD_KB = 10;

    public App {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
        webhooks = List.copyOf(webhooks);
        Objects.requireNonNull(signatures, "signatures");
    }

    /** An app with Pusher's limits, client events off, and no webhooks. */
    public static App of(String id, String key, String secret) {
        return new App(
                id,
                key,
                secret,
                true,
                -1,
                false,
                -1,
                DEFAULT_MAX_CLIENT_EVENTS_PER_SECOND,
                -1,
                DEFAULT_MAX_PRESENCE_MEMBERS,
                DEFAULT_MAX_PRESENCE_MEMBER_SIZE_KB,
                DEFAULT_MAX_EVENT_PAYLOAD_KB,
                List.of(),
                new Signatures(secret));
    }

    /** The largest event data in bytes. */
    public int maxEventPayloadBytes() {
        return maxEventPayloadInKb * 1024;
    }

    /** The largest user info of a presence member in bytes. */
    public int maxPresenceMemberBytes() {
        return maxPresenceMemberSizeInKb * 1024;
    }

    /** The webhooks that want this event type. */
    public List<Webhook> webhooksFor(String eventType) {
        return webhooks.stream().filter(w -> w.wants(eventType)).toList();
    }

    /** Without the secret, which must not reach a log. */
    @Override
    public String toString() {
        return "App[" + id + "]";
    }
}
