package io.sluice.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one configuration loader of every Sluice module.
 *
 * <p>Layers, each overriding the one before: the defaults in {@code conf/sluice.properties}
 * (carried in this jar), an optional file of the user's ({@code SLUICE_CONF} or {@code --conf}),
 * environment variables ({@code SLUICE_KAFKA_BOOTSTRAP_SERVERS}), then command-line flags ({@code
 * --kafka.bootstrap.servers=...}). Only keys of the defaults file exist: an unknown key in a file
 * or flag is an error rather than a silently ignored typo. Every value remembers where it came
 * from, so that an error can say so.
 */
public final class SluiceConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Classpath location of the defaults file (conf/sluice.properties in the source tree). */
    public static final String DEFAULTS_RESOURCE = "/sluice/sluice.properties";

    /** Environment variable naming the user's own configuration file. */
    public static final String CONF_FILE_ENV = "SLUICE_CONF";

    /** Command-line flag naming the user's own configuration file. */
    public static final String CONF_FILE_FLAG = "--conf";

    private static final String ENV_PREFIX = "SLUICE_";
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, String> values;
    private final Map<String, String> sources;

    private SluiceConfig(Map<String, String> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /** Loads the layers from this process's environment and the given {@code --key=value} flags. */
    public static SluiceConfig load(String... args) {
        return load(System.getenv(), flagsOf(args));
    }

    /**
     * Loads the layers from the given environment and flags (keys without the leading dashes). The
     * flag {@code conf} names the user's file, as {@code SLUICE_CONF} does in the environment.
     */
    public static SluiceConfig load(Map<String, String> env, Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        readDefaults().forEach((k, v) -> put(values, sources, k, v, "the defaults"));

        String file = flags.containsKey("conf") ? flags.get("conf") : env.get(CONF_FILE_ENV);
        if (file != null && !file.isBlank()) {
            readFile(Path.of(file))
                    .forEach((k, v) -> putKnown(values, sources, k, v, "file " + file));
        }
        for (String key : List.copyOf(values.keySet())) {
            String name = envName(key);
            if (env.containsKey(name)) {
                put(values, sources, key, env.get(name), "environment variable " + name);
            }
        }
        flags.forEach(
                (k, v) -> {
                    if (!k.equals("conf")) {
                        putKnown(values, sources, k, v, "flag --" + k);
                    }
                });
        return new SluiceConfig(values, sources);
    }

    /**
     * The environment variable that overrides a key: SLUICE_ + key in capitals, '.' and '-' as '_'.
     */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Picks the {@code --key=value} and {@code --key value} flags out of a command line. Arguments
     * that are not flags are left for the program.
     */
    public static Map<String, String> flagsOf(String... args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                flags.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                flags.put(arg.substring(2), args[++i]);
            } else {
                throw new ConfigException("flag " + arg + " needs a value: " + arg + "=VALUE");
            }
        }
        return flags;
    }

    /** This configuration with one key set, as a program does when it resolves an address. */
    public SluiceConfig with(String key, String value) {
        return with(key, value, "the program");
    }

    /** This configuration with one key set from a named source, such as "flag --rate". */
    public SluiceConfig with(String key, String value, String source) {
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, String> s = new LinkedHashMap<>(sources);
        putKnown(v, s, key, value, source);
        return new SluiceConfig(v, s);
    }

    /** The value of a key; an empty string when it is set to nothing. */
    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new ConfigException("unknown configuration key '" + key + "'");
        }
        return value;
    }

    /** True when the key exists (it is in conf/sluice.properties). */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** True when the key is set to something other than blank. */
    public boolean isSet(String key) {
        return !get(key).isBlank();
    }

    public int getInt(String key) {
        long value = getLong(key);
        if (value != (int) value) {
            throw invalid(key, "is too large");
        }
        return (int) value;
    }

    /** A whole number of at least 1: a count, a size or a time that must not be zero. */
    public int getPositiveInt(String key) {
        int value = getInt(key);
        if (value < 1) {
            throw invalid(key, "must be at least 1");
        }
        return value;
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(get(key).trim());
        } catch (NumberFormatException e) {
            throw invalid(key, "is not a whole number");
        }
    }

    public double getDouble(String key) {
        try {
            double value = Double.parseDouble(get(key).trim());
            if (!Double.isFinite(value)) {
                throw invalid(key, "is not a finite number");
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(key, "is not a number");
        }
    }

    /** A number in [0, 1]. */
    public double getFraction(String key) {
        double value = getDouble(key);
        if (value < 0 || value > 1) {
            throw invalid(key, "is not a fraction between 0 and 1");
        }
        return value;
    }

    public boolean getBoolean(String key) {
        String value = get(key).trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "true":
            case "yes":
            case "on":
                return true;
            case "false":
            case "no":
            case "off":
                return false;
            default:
                throw invalid(key, "is not true or false");
        }
    }

    /** A duration, ISO-8601 (PT30S) or short (500ms, 30s, 5m, 2h, 1d); blank means none. */
    public Duration getDuration(String key) {
        String value = get(key).trim();
        if (value.isEmpty()) {
            return null;
        }
        try {
            return parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw invalid(key, "is not a duration (like 30s, 5m or PT30S)");
        }
    }

    /** A comma-separated list, trimmed, without empty items. */
    public List<String> getList(String key) {
        List<String> items = new ArrayList<>();
        for (String item : get(key).split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    /** Where a key's value came from, for error messages: "the defaults", "flag --x", ... */
    public String sourceOf(String key) {
        get(key);
        return sources.get(key);
    }

    /** An error about a key's value, naming the value and where it came from. */
    public ConfigException invalid(String key, String problem) {
        return new ConfigException(
                key + " = '" + get(key) + "' (from " + sourceOf(key) + ") " + problem);
    }

    /** Every key and its value, in the order of the defaults file. */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** Parses 500ms, 30s, 5m, 2h, 1d or an ISO-8601 duration. */
    public static Duration parseDuration(String text) {
        String value = text.trim();
        Matcher m = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        }
        try {
            return Duration.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: " + text, e);
        }
    }

    private static void put(
            Map<String, String> values,
            Map<String, String> sources,
            String k,
            String v,
            String from) {
        values.put(k, v.trim());
        sources.put(k, from);
    }

    private static void putKnown(
            Map<String, String> values,
            Map<String, String> sources,
            String k,
            String v,
            String from) {
        if (!values.containsKey(k)) {
            throw new ConfigException(
                    "unknown configuration key '"
                            + k
                            + "' (from "
                            + from
                            + "); see conf/sluice.properties");
        }
        put(values, sources, k, v, from);
    }

    private static Map<String, String> readDefaults() {
        try (InputStream in = SluiceConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        DEFAULTS_RESOURCE + " is missing from the classpath");
            }
            return orderedProperties(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
        }
    }

    private static Map<String, String> readFile(Path file) {
        try {
            return orderedProperties(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot read configuration file " + file + ": " + e.getMessage());
        }
    }

    /** Properties, in the order they stand in the text (java.util.Properties forgets it). */
    private static Map<String, String> orderedProperties(String text) {
        Properties parsed = new Properties();
        try (Reader reader = new java.io.StringReader(text)) {
            parsed.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            int eq = trimmed.indexOf('=');
            if (!trimmed.startsWith("#") && eq > 0) {
                String key = trimmed.substring(0, eq).trim();
                if (parsed.containsKey(key)) {
                    ordered.put(key, parsed.getProperty(key));
                }
            }
        }
        parsed.stringPropertyNames().forEach(k -> ordered.putIfAbsent(k, parsed.getProperty(k)));
        return ordered;
    }
}
