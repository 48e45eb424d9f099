package io.sluice.websocket.app;

import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * Where an app's webhooks go, and which events it wants: Soketi's {@code {url, event_types}}.
 *
 * @param url an absolute http or https URL
 * @param eventTypes some of {@link #EVENT_TYPES}
 */
public record Webhook(URI url, Set<String> eventTypes) {
    public static final String CHANNEL_OCCUPIED = "channel_occupied";
    public static final String CHANNEL_VACATED = "channel_vacated";
    public static final String MEMBER_ADDED = "member_added";
    public static final String MEMBER_REMOVED = "member_removed";
    public static final String CLIENT_EVENT = "client_event";
    public static final String CACHE_MISS = "cache_miss";

    /** Every event type a webhook may ask for. */
    public static final Set<String> EVENT_TYPES =
            Set.of(
                    CHANNEL_OCCUPIED,
                    CHANNEL_VACATED,
                    MEMBER_ADDED,
                    MEMBER_REMOVED,
                    CLIENT_EVENT,
                    CACHE_MISS);

    public Webhook {
        Objects.requireNonNull(url, "url");
        eventTypes = Set.copyOf(eventTypes);
    }

    public boolean wants(String eventType) {
        return eventTypes.contains(eventType);
    }
}
