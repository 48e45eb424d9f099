package io.sluice.simulator;

import io.sluice.config.ConfigException;
import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.simulator.faults.FaultSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Everything a simulator run needs, read from the simulator.* (and kafka.*) configuration keys,
 * which conf/sluice.properties documents.
 *
 * @param ratePerSecond records per second of wall-clock time; 0 for as fast as the broker takes
 *     them
 * @param count records to send; 0 for no limit
 * @param duration wall-clock time to run; null for no limit
 * @param copyFile where to copy every valid reading as NDJSON; null for no copy
 */
public record SimulatorSettings(
        String bootstrapServers,
        String topic,
        int partitions,
        int tags,
        long intervalMs,
        double ratePerSecond,
        long count,
        Duration duration,
        long seed,
        long startTs,
        FaultSettings faults,
        Path copyFile,
        int lingerMs,
        int batchSize,
        String compression) {

    public static SimulatorSettings fromConfig(SluiceConfig c, Clock clock) {
        int tags = c.getPositiveInt(ConfigKeys.SIMULATOR_TAGS);
        long interval = c.getPositiveInt(ConfigKeys.SIMULATOR_INTERVAL_MS);
        long count = c.getLong(ConfigKeys.SIMULATOR_COUNT);
        if (count < 0) {
            throw c.invalid(ConfigKeys.SIMULATOR_COUNT, "must not be negative (0 means no limit)");
        }
        FaultSettings faults;
        try {
            faults =
                    new FaultSettings(
                            c.getFraction(ConfigKeys.SIMULATOR_FAULTS_OUT_OF_ORDER_FRACTION),
                            c.getLong(ConfigKeys.SIMULATOR_FAULTS_OUT_OF_ORDER_BOUND_MS),
                            c.getFraction(ConfigKeys.SIMULATOR_FAULTS_LATE_FRACTION),
                            c.getLong(ConfigKeys.SIMULATOR_FAULTS_LATE_MAX_MS),
                            c.getFraction(ConfigKeys.SIMULATOR_FAULTS_DUPLICATE_FRACTION),
                            c.getFraction(ConfigKeys.SIMULATOR_FAULTS_MALFORMED_FRACTION));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("simulator.faults: " + e.getMessage());
        }
        return new SimulatorSettings(
                c.get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS),
                c.get(ConfigKeys.KAFKA_TOPIC_READINGS),
                c.getPositiveInt(ConfigKeys.KAFKA_TOPIC_PARTITIONS),
                tags,
                interval,
                rate(c, tags, interval),
                count,
                c.getDuration(ConfigKeys.SIMULATOR_DURATION),
                c.getLong(ConfigKeys.SIMULATOR_SEED),
                startTime(c, clock, interval),
                faults,
                c.isSet(ConfigKeys.SIMULATOR_COPY_FILE)
                        ? Path.of(c.get(ConfigKeys.SIMULATOR_COPY_FILE))
                        : null,
                c.getInt(ConfigKeys.SIMULATOR_PRODUCER_LINGER_MS),
                c.getPositiveInt(ConfigKeys.SIMULATOR_PRODUCER_BATCH_SIZE),
                c.get(ConfigKeys.SIMULATOR_PRODUCER_COMPRESSION_TYPE));
    }

    /** Whether the rate is unlimited. */
    public boolean unthrottled() {
        return ratePerSecond == 0;
    }

    private static double rate(SluiceConfig c, int tags, long interval) {
        String key = ConfigKeys.SIMULATOR_RATE;
        String value = c.get(key).trim();
        if (value.equals("realtime")) {
            return tags * 1000.0 / interval;
        }
        if (value.equals("max")) {
            return 0;
        }
        double rate;
        try {
            rate = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw c.invalid(key, "is not a number of readings per second, realtime or max");
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw c.invalid(
                    key, "must be a positive number of readings per second, realtime or max");
        }
        return rate;
    }

    private static long startTime(SluiceConfig c, Clock clock, long interval) {
        String key = ConfigKeys.SIMULATOR_START_TIME;
        String value = c.get(key).trim();
        if (value.equals("now")) {
            long now = clock.millis();
            return now - now % interval;
        }
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
            return Long.parseLong(value);
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw c.invalid(key, "is not now, epoch milliseconds or an ISO-8601 instant");
        }
    }
}
