package io.sluice.websocket.broker;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An event for the clients of every instance, as an entry of the events stream: one the HTTP API
 * took, a client event, a presence member's coming or going, or a control entry such as {@link
 * #TERMINATE_USER}. Every instance reading the stream pushes it to its own clients.
 *
 * @param appId the app whose channels they are (field {@value #APP})
 * @param channels channel names (fields {@value #CHANNELS}, joined by '|', which no channel name
 *     holds)
 * @param name the event name (field {@value #NAME})
 * @param data the event's data, a string (field {@value #DATA})
 * @param exceptSocketId a socket id not to send it to (field {@value #EXCEPT}, optional)
 * @param userId the sender's user id, which a client event on a presence channel carries (field
 *     {@value #USER}, optional)
 */
public record EventEntry(
        String appId,
        List<String> channels,
        String name,
        String data,
        String exceptSocketId,
        String userId) {
    /**
     * A control entry's name: close every connection of the user in {@code data}, on every
     * instance. Never sent to a client; the '#' keeps it out of the names clients may use.
     */
    public static final String TERMINATE_USER = "#terminate_connections";

    static final String APP = "a";
    static final String CHANNELS = "c";
    static final String NAME = "e";
    static final String DATA = "d";
    static final String EXCEPT = "x";
    static final String USER = "u";

    public EventEntry {
        Objects.requireNonNull(appId, "appId");
        channels = List.copyOf(channels);
    }

    /** An event for every subscriber of the channels but the one with {@code exceptSocketId}. */
    public EventEntry(
            String appId, List<String> channels, String name, String data, String exceptSocketId) {
        this(appId, channels, name, data, exceptSocketId, null);
    }

    /** The control entry that closes every connection of a user of the app. */
    public static EventEntry terminateUser(String appId, String userId) {
        return new EventEntry(appId, List.of(), TERMINATE_USER, userId, null, null);
    }

    /** The stream entry's fields. */
    public Map<String, String> toFields() {
        Map<String, String> f = new HashMap<>();
        f.put(APP, appId);
        f.put(CHANNELS, String.join("|", channels));
        f.put(NAME, name);
        f.put(DATA, data);
        if (exceptSocketId != null) {
            f.put(EXCEPT, exceptSocketId);
        }
        if (userId != null) {
            f.put(USER, userId);
        }
        return f;
    }

    /**
     * Reads an entry's fields.
     *
     * @throws IllegalArgumentException if a field is missing
     */
    public static EventEntry fromFields(Map<String, String> f) {
        String a = f.get(APP);
        String c = f.get(CHANNELS);
        String e = f.get(NAME);
        String d = f.get(DATA);
        if (a == null || c == null || e == null || d == null) {
            throw new IllegalArgumentException(
                    "an event entry needs the fields a, c, e and d: " + f.keySet());
        }
        List<String> channels = c.isEmpty() ? List.of() : Arrays.asList(c.split("\\|"));
        return new EventEntry(a, channels, e, d, f.get(EXCEPT), f.get(USER));
    }
}
