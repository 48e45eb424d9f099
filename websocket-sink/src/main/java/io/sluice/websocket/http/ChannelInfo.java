package io.sluice.websocket.http;

import io.sluice.websocket.app.App;
import io.sluice.websocket.channel.ChannelType;
import io.sluice.websocket.cluster.ClusterState;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP API's answers about channels, for the whole cluster, in Pusher's shapes: the {@code
 * info} attributes {@code subscription_count} and {@code user_count} (presence channels only).
 */
final class ChannelInfo {
    static final String SUBSCRIPTION_COUNT = "subscription_count";
    static final String USER_COUNT = "user_count";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ClusterState state;

    ChannelInfo(ClusterState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    /**
     * The attributes of an {@code info} parameter.
     *
     * @throws IllegalArgumentException for one that is not an attribute
     */
    static List<String> fields(String info) {
        List<String> out = new ArrayList<>();
        for (String f : info.split(",")) {
            String name = f.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!name.equals(SUBSCRIPTION_COUNT) && !name.equals(USER_COUNT)) {
                throw new IllegalArgumentException(
                        "info takes subscription_count and user_count, not " + name);
            }
            out.add(name);
        }
        return out;
    }

    /**
     * @throws IllegalArgumentException when user_count is asked of a channel other than presence
     */
    static void requirePresence(Collection<String> channels, List<String> info) {
        for (String c : channels) {
            requirePresence(c, info);
        }
    }

    private static void requirePresence(String channel, List<String> info) {
        if (info.contains(USER_COUNT) && ChannelType.of(channel) != ChannelType.PRESENCE) {
            throw new IllegalArgumentException(
                    "user_count is for presence channels only, not " + channel);
        }
    }

    private void put(ObjectNode o, App app, String channel, long subscriptions, List<String> info) {
        if (info.contains(SUBSCRIPTION_COUNT)) {
            o.put(SUBSCRIPTION_COUNT, subscriptions);
        }
        if (info.contains(USER_COUNT)) {
            o.put(USER_COUNT, state.members(app.id(), channel).size());
        }
    }

    /** GET /channels: {@code {channels: {name: {attributes}}}}, of names with the prefix. */
    ObjectNode list(App app, String prefix, List<String> info) {
        if (info.contains(USER_COUNT)
                && (prefix == null || !prefix.startsWith(ChannelType.PRESENCE.prefix()))) {
            throw new IllegalArgumentException(
                    "user_count needs filter_by_prefix=presence-, as presence channels only have"
                            + " users");
        }
        ObjectNode root = JSON.objectNode();
        ObjectNode channels = root.putObject("channels");
        for (Map.Entry<String, Long> c : state.channels(app.id()).entrySet()) {
            if (prefix == null || c.getKey().startsWith(prefix)) {
                put(channels.putObject(c.getKey()), app, c.getKey(), c.getValue(), info);
            }
        }
        return root;
    }

    /** GET /channels/{name}: {@code {occupied, attributes}}. */
    ObjectNode one(App app, String channel, List<String> info) {
        requirePresence(channel, info);
        long n = state.channels(app.id()).getOrDefault(channel, 0L);
        ObjectNode root = JSON.objectNode();
        root.put("occupied", n > 0);
        put(root, app, channel, n, info);
        return root;
    }

    /** GET /channels/{name}/users: {@code {users: [{id}]}}. */
    ObjectNode users(App app, String channel) {
        requirePresence(channel, List.of(USER_COUNT));
        ObjectNode root = JSON.objectNode();
        var users = root.putArray("users");
        state.members(app.id(), channel).keySet().forEach(id -> users.addObject().put("id", id));
        return root;
    }

    /** The {@code channels} answer of an event published with {@code info}. */
    ObjectNode ofEvent(App app, Collection<String> channels, List<String> info) {
        requirePresence(channels, info);
        Map<String, Long> counts = state.channels(app.id());
        ObjectNode root = JSON.objectNode();
        ObjectNode out = root.putObject("channels");
        for (String c : channels) {
            put(out.putObject(c), app, c, counts.getOrDefault(c, 0L), info);
        }
        return root;
    }
}
