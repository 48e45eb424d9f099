package io.sluice.websocket.app;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.websocket.protocol.Signatures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The apps one server serves, looked up by key (connections) and by id (the HTTP API).
 *
 * <p>Either the single app of {@code pusher.app.*}, or the list in the JSON file {@code
 * pusher.apps.file}, in Soketi's shape: {@code {"apps": [{"id", "key", "secret",
 * "enableClientMessages", "maxConnections", ..., "webhooks": [{"url", "event_types"}]}]}}. Every
 * mistake is a {@link io.sluice.config.ConfigException} that names the key, the app and the field.
 */
public final class Apps {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The fields an app may have; any other is a mistake worth reporting. */
    private static final Set<String> FIELDS =
            Set.of(
                    "id",
                    "key",
                    "secret",
                    "enabled",
                    "maxConnections",
                    "enableClientMessages",
                    "maxBackendEventsPerSecond",
                    "maxClientEventsPerSecond",
                    "maxReadRequestsPerSecond",
                    "maxPresenceMembersPerChannel",
                    "maxPresenceMemberSizeInKb",
                    "maxEventPayloadInKb",
                    "webhooks");

    private final List<App> apps;
    private final Map<String, App> byKey = new HashMap<>();
    private final Map<String, App> byId = new LinkedHashMap<>();

    /**
     * @throws IllegalArgumentException when two apps share an id or a key
     */
    public Apps(List<App> apps) {
        if (apps.isEmpty()) {
            throw new IllegalArgumentException("at least one app");
        }
        this.apps = List.copyOf(apps);
        for (App a : this.apps) {
            if (byId.putIfAbsent(a.id(), a) != null) {
                throw new IllegalArgumentException("two apps have the id " + a.id());
            }
            if (byKey.putIfAbsent(a.key(), a) != null) {
                throw new IllegalArgumentException("two apps have the key " + a.key());
            }
        }
    }

    /** The app that clients connect to with this key, or null. */
    public App byKey(String key) {
        return byKey.get(key);
    }

    /** The app of this id, or null. */
    public App byId(String id) {
        return byId.get(id);
    }

    /** Every app, the first being the default one (the dashboard's). */
    public List<App> all() {
        return apps;
    }

    /** The first app: with {@code pusher.app.*}, the only one. */
    public App first() {
        return apps.get(0);
    }

    /** The apps the configuration names. */
    public static Apps fromConfig(SluiceConfig config) {
        String file = config.get(ConfigKeys.PUSHER_APPS_FILE);
        if (!file.isBlank()) {
            return fromFile(config, Path.of(file));
        }
        App single =
                App.of(
                        nonBlank(config, ConfigKeys.PUSHER_APP_ID),
                        nonBlank(config, ConfigKeys.PUSHER_APP_KEY),
                        nonBlank(config, ConfigKeys.PUSHER_APP_SECRET));
        JsonNode webhooks;
        try {
            webhooks = MAPPER.readTree(config.get(ConfigKeys.PUSHER_APP_WEBHOOKS));
        } catch (IOException e) {
            throw config.invalid(
                    ConfigKeys.PUSHER_APP_WEBHOOKS,
                    "not JSON: a list like [{\"url\":\"https://...\",\"event_types\":[\"channel_occupied\"]}]");
        }
        App withSettings =
                new App(
                        single.id(),
                        single.key(),
                        single.secret(),
                        true,
                        -1,
                        config.getBoolean(ConfigKeys.PUSHER_APP_CLIENT_MESSAGES),
                        -1,
                        config.getPositiveInt(ConfigKeys.PUSHER_APP_MAX_CLIENT_EVENTS_PER_S),
                        -1,
                        config.getPositiveInt(ConfigKeys.PUSHER_APP_MAX_PRESENCE_MEMBERS),
                        config.getPositiveInt(ConfigKeys.PUSHER_APP_MAX_PRESENCE_MEMBER_KB),
                        App.DEFAULT_MAX_EVENT_PAYLOAD_KB,
                        webhooks(
                                webhooks == null || webhooks.isNull()
                                        ? MAPPER.createArrayNode()
                                        : webhooks,
                                problem -> config.invalid(ConfigKeys.PUSHER_APP_WEBHOOKS, problem)),
                        single.signatures());
        return new Apps(List.of(withSettings));
    }

    private static Apps fromFile(SluiceConfig config, Path file) {
        String key = ConfigKeys.PUSHER_APPS_FILE;
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw config.invalid(key, "cannot read " + file + " as JSON: " + e.getMessage());
        }
        JsonNode list = root == null ? null : root.get("apps");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw config.invalid(key, file + " needs {\"apps\": [...]} with at least one app");
        }
        List<App> apps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            String where = file + ", app " + (i + 1);
            Problem problem = p -> config.invalid(key, where + ": " + p);
            if (!a.isObject()) {
                throw problem.of("must be an object");
            }
            for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    throw problem.of("unknown field " + name + "; the fields are " + FIELDS);
                }
            }
            String id = text(a, "id", problem);
            String secret = text(a, "secret", problem);
            apps.add(
                    new App(
                            id,
                            text(a, "key", problem),
                            secret,
                            bool(a, "enabled", true, problem),
                            limit(a, "maxConnections", -1, problem),
                            bool(a, "enableClientMessages", false, problem),
                            limit(a, "maxBackendEventsPerSecond", -1, problem),
                            limit(
                                    a,
                                    "maxClientEventsPerSecond",
                                    App.DEFAULT_MAX_CLIENT_EVENTS_PER_SECOND,
                                    problem),
                            limit(a, "maxReadRequestsPerSecond", -1, problem),
                            positive(
                                    a,
                                    "maxPresenceMembersPerChannel",
                                    App.DEFAULT_MAX_PRESENCE_MEMBERS,
                                    problem),
                            positive(
                                    a,
                                    "maxPresenceMemberSizeInKb",
                                    App.DEFAULT_MAX_PRESENCE_MEMBER_SIZE_KB,
                                    problem),
                            positive(
                                    a,
                                    "maxEventPayloadInKb",
                                    App.DEFAULT_MAX_EVENT_PAYLOAD_KB,
                                    problem),
                            webhooks(
                                    a.has("webhooks")
                                            ? a.get("webhooks")
                                            : MAPPER.createArrayNode(),
                                    p -> problem.of("webhooks: " + p)),
                            new Signatures(secret)));
        }
        try {
            return new Apps(apps);
        } catch (IllegalArgumentException e) {
            throw config.invalid(key, file + ": " + e.getMessage());
        }
    }

    /** Soketi's webhooks list: {@code [{"url": "...", "event_types": ["channel_occupied"]}]}. */
    private static List<Webhook> webhooks(JsonNode list, Problem problem) {
        if (!list.isArray()) {
            throw problem.of("must be a list of {\"url\", \"event_types\"}");
        }
        List<Webhook> hooks = new ArrayList<>();
        for (JsonNode h : list) {
            JsonNode url = h.get("url");
            if (url == null || !url.isTextual()) {
                throw problem.of("a webhook needs a url");
            }
            URI uri;
            try {
                uri = new URI(url.textValue());
            } catch (URISyntaxException e) {
                throw problem.of("'" + url.textValue() + "' is not a URL: " + e.getReason());
            }
            if (!uri.isAbsolute()
                    || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw problem.of("'" + url.textValue() + "' is not an http or https URL");
            }
            JsonNode types = h.get("event_types");
            if (types == null || !types.isArray() || types.isEmpty()) {
                throw problem.of("a webhook needs event_types, some of " + Webhook.EVENT_TYPES);
            }
            Set<String> wanted = new HashSet<>();
            for (JsonNode t : types) {
                if (!t.isTextual() || !Webhook.EVENT_TYPES.contains(t.textValue())) {
                    throw problem.of(
                            "unknown event type " + t + "; the types are " + Webhook.EVENT_TYPES);
                }
                wanted.add(t.textValue());
            }
            hooks.add(new Webhook(uri, wanted));
        }
        return hooks;
    }

    private static String text(JsonNode app, String field, Problem problem) {
        JsonNode v = app.get(field);
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw problem.of(field + " must be a non-empty string");
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode app, String field, boolean absent, Problem problem) {
        JsonNode v = app.get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw problem.of(field + " must be true or false");
        }
        return v.booleanValue();
    }

    /** A positive integer, or -1 for no limit. */
    private static int limit(JsonNode app, String field, int absent, Problem problem) {
        JsonNode v = app.get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isInt() || (v.intValue() < 1 && v.intValue() != -1)) {
            throw problem.of(field + " must be a positive integer, or -1 for no limit");
        }
        return v.intValue();
    }

    private static int positive(JsonNode app, String field, int absent, Problem problem) {
        JsonNode v = app.get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isInt() || v.intValue() < 1) {
            throw problem.of(field + " must be a positive integer");
        }
        return v.intValue();
    }

    private static String nonBlank(SluiceConfig config, String key) {
        String v = config.get(key);
        if (v.isBlank()) {
            throw config.invalid(key, "must not be empty");
        }
        return v;
    }

    /** Makes the error of one mistake, naming where it is. */
    @FunctionalInterface
    private interface Problem {
        RuntimeException of(String problem);
    }
}
