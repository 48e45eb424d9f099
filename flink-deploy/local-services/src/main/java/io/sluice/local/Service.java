package io.sluice.local;

import io.sluice.config.ConfigKeys;

import java.util.Locale;

/** One of the three services a Sluice pipeline talks to. */
public enum Service {
    KAFKA("Kafka", ConfigKeys.KAFKA_BOOTSTRAP_SERVERS),
    POSTGRES("PostgreSQL", ConfigKeys.JDBC_URL),
    REDIS("Redis", ConfigKeys.REDIS_URL);

    private final String displayName;
    private final String configKey;

    Service(String displayName, String configKey) {
        this.displayName = displayName;
        this.configKey = configKey;
    }

    /** The name people know it by, for messages: "Kafka", "PostgreSQL", "Redis". */
    public String displayName() {
        return displayName;
    }

    /** The configuration key (conf/sluice.properties) that holds its address. */
    public String configKey() {
        return configKey;
    }

    /** Parses "kafka", "postgres" (or "postgresql", "jdbc") and "redis", in any case. */
    public static Service parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "kafka":
                return KAFKA;
            case "postgres":
            case "postgresql":
            case "jdbc":
                return POSTGRES;
            case "redis":
                return REDIS;
            default:
                throw new IllegalArgumentException(
                        "unknown service '" + name + "' (expected kafka, postgres or redis)");
        }
    }
}
