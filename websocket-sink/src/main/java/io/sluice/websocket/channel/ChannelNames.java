package io.sluice.websocket.channel;

import io.sluice.update.UpdateKeys;
import io.sluice.websocket.protocol.ProtocolException;

import java.util.List;

/**
 * The channel rules, in one place: which names are valid, which need auth, and which carry which
 * updates.
 *
 * <ul>
 *   <li>{@code scada-data}: every group's updates of the first window size;
 *   <li>{@code scada-data.plant1.area03}: the updates of group {@code plant1.area03};
 *   <li>another window size adds {@code @} and its label: {@code scada-data@1m}, {@code
 *       scada-data.plant1.area03@1m};
 *   <li>{@code private-} in front of any of them: the same updates, for a signed subscription;
 *   <li>any other valid name carries only what the HTTP API and the clients publish to it: public,
 *       {@code private-}, {@code private-encrypted-} and {@code presence-} channels, each also as a
 *       cache channel ({@code cache-}, {@code private-cache-}, ...).
 * </ul>
 *
 * Names are at most 164 characters of {@code [A-Za-z0-9_\-=@,.;]}.
 */
public final class ChannelNames {
    public static final String PRIVATE_PREFIX = "private-";
    static final String CACHE_PREFIX = "cache-";
    static final int MAX_LENGTH = 164;

    private final String base;
    private final List<Long> windowsMs;

    /**
     * @param base the all-groups channel (websocket.channel)
     * @param windowsMs the window sizes served; the first has plain names
     */
    public ChannelNames(String base, List<Long> windowsMs) {
        if (!isValid(base)) {
            throw new IllegalArgumentException("not a valid channel name: " + base);
        }
        this.base = base;
        this.windowsMs = List.copyOf(windowsMs);
    }

    /** The prefix of the channel on which the HTTP API reaches every connection of a user. */
    public static final String USER_CHANNEL_PREFIX = "#server-to-user-";

    /** The channel of a signed-in user's connections. */
    public static String userChannel(String userId) {
        return USER_CHANNEL_PREFIX + userId;
    }

    /** True for a valid name that is a cache channel's, of any type. */
    public static boolean isCache(String name) {
        return isValid(name)
                && name.substring(ChannelType.of(name).prefix().length()).startsWith(CACHE_PREFIX);
    }

    /** True for a name the protocol allows. */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '_'
                            || c == '-'
                            || c == '='
                            || c == '@'
                            || c == ','
                            || c == '.'
                            || c == ';';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * What a subscribed name means.
     *
     * @throws ProtocolException for an invalid name
     */
    public ChannelRoute route(String name) throws ProtocolException {
        if (!isValid(name)) {
            throw new ProtocolException(
                    "bad-channel",
                    "Invalid channel name: 1 to "
                            + MAX_LENGTH
                            + " characters of A-Z a-z 0-9 _ - = @ , . ;");
        }
        ChannelType type = ChannelType.of(name);
        String rest = name.substring(type.prefix().length());
        if (rest.startsWith(CACHE_PREFIX)) {
            return new ChannelRoute(name, type, true, 0, null);
        }
        if (type != ChannelType.PUBLIC && type != ChannelType.PRIVATE) {
            return new ChannelRoute(name, type, false, 0, null);
        }
        long windowMs = windowsMs.get(0);
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            windowMs = windowOfLabel(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        if (windowMs > 0) {
            if (rest.equals(base)) {
                return new ChannelRoute(name, type, false, windowMs, null);
            }
            if (rest.startsWith(base + ".") && rest.length() > base.length() + 1) {
                return new ChannelRoute(
                        name, type, false, windowMs, rest.substring(base.length() + 1));
            }
        }
        return new ChannelRoute(name, type, false, 0, null);
    }

    /** The channel of a group's updates of a window size: {@code scada-data.plant1.area03}. */
    public String groupChannel(String group, long windowMs) {
        return base + "." + group + suffix(windowMs);
    }

    /** The channel of every group's updates of a window size: {@code scada-data}. */
    public String allChannel(long windowMs) {
        return base + suffix(windowMs);
    }

    private String suffix(long windowMs) {
        return windowMs == windowsMs.get(0) ? "" : "@" + UpdateKeys.windowLabel(windowMs);
    }

    private long windowOfLabel(String label) {
        for (long w : windowsMs) {
            if (UpdateKeys.windowLabel(w).equals(label)) {
                return w;
            }
        }
        return 0;
    }
}
