package io.sluice.websocket.broker;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An event the HTTP API took, as an entry of the events stream, so that every instance reading the
 * stream pushes it to its own clients.
 *
 * @param appId the app whose channels they are (field {@value #APP})
 * @param channels channel names (fields {@value #CHANNELS}, joined by '|', which no channel name
 *     holds)
 * @param name the event name (field {@value #NAME})
 * @param data the event's data, a string (field {@value #DATA})
 * @param exceptSocketId a socket id not to send it to (field {@value #EXCEPT}, optional)
 */
public record EventEntry(
        String appId, List<String> channels, String name, String data, String exceptSocketId) {
    static final String APP = "a";
    static final String CHANNELS = "c";
    static final String NAME = "e";
    static final String DATA = "d";
    static final String EXCEPT = "x";

    public EventEntry {
        Objects.requireNonNull(appId, "appId");
        channels = List.copyOf(channels);
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
        return new EventEntry(a, Arrays.asList(c.split("\\|")), e, d, f.get(EXCEPT));
    }
}
