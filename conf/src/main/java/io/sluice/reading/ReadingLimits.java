package io.sluice.reading;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;

import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What the readings contract accepts: the largest record, and the range of plausible timestamps
 * (the readings.* keys). Serializable, so that a Flink job can carry it to its tasks.
 *
 * @param maxBytes largest record value, bytes
 * @param minTs earliest plausible timestamp, epoch ms, inclusive
 * @param maxTs first implausible timestamp, epoch ms
 */
public record ReadingLimits(int maxBytes, long minTs, long maxTs) implements Serializable {
    public ReadingLimits {
        if (maxBytes < 64) {
            throw new IllegalArgumentException("maxBytes must be at least 64: " + maxBytes);
        }
        if (minTs >= maxTs) {
            throw new IllegalArgumentException("minTs must be before maxTs");
        }
    }

    /** The limits of the readings.* configuration keys. */
    public static ReadingLimits fromConfig(SluiceConfig config) {
        return new ReadingLimits(
                config.getInt(ConfigKeys.READINGS_MAX_BYTES),
                instantOf(config, ConfigKeys.READINGS_MIN_TIMESTAMP),
                instantOf(config, ConfigKeys.READINGS_MAX_TIMESTAMP));
    }

    private static long instantOf(SluiceConfig config, String key) {
        try {
            return Instant.parse(config.get(key)).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw config.invalid(key, "is not an ISO-8601 instant like 2000-01-01T00:00:00Z");
        }
    }
}
