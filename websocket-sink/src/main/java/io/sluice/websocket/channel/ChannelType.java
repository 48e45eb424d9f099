package io.sluice.websocket.channel;

/** The kinds of channel of the Pusher protocol, told apart by their names' prefixes. */
public enum ChannelType {
    /** Any name without one of the prefixes below: anyone may subscribe. */
    PUBLIC(""),
    /** {@code private-}: subscribing needs a signature of {@code socket_id:channel}. */
    PRIVATE("private-"),
    /**
     * {@code private-encrypted-}: authorised as private; the payloads are end-to-end encrypted,
     * passed through untouched, and client events are refused.
     */
    PRIVATE_ENCRYPTED("private-encrypted-"),
    /**
     * {@code presence-}: the signature covers {@code socket_id:channel:channel_data}, whose user_id
     * makes the subscriber a member.
     */
    PRESENCE("presence-");

    private final String prefix;

    ChannelType(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** True when subscribing needs an auth signature. */
    public boolean needsAuth() {
        return this != PUBLIC;
    }

    /** The type of a channel name; the longest prefix wins. */
    public static ChannelType of(String name) {
        if (name.startsWith(PRIVATE_ENCRYPTED.prefix)) {
            return PRIVATE_ENCRYPTED;
        }
        if (name.startsWith(PRIVATE.prefix)) {
            return PRIVATE;
        }
        if (name.startsWith(PRESENCE.prefix)) {
            return PRESENCE;
        }
        return PUBLIC;
    }
}
