package io.sluice.simulator;

import io.sluice.config.ConfigException;
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
        int tags = c.getPositiveInt("simulator.tags");
        long interval = c.getPositiveInt("simulator.interval.ms");
        long count = c.getLong("simulator.count");
        if (count < 0) {
            throw c.invalid("simulator.count", "must not be negative (0 means no limit)");
        }
        FaultSettings faults;
        try {
            faults =
                    new FaultSettings(
                            c.getFraction("simulator.faults.out-of-order.fraction"),
                            c.getLong("simulator.faults.out-of-order.bound.ms"),
                            c.getFraction("simulator.faults.late.fraction"),
                            c.getLong("simulator.faults.late.max.ms"),
                            c.getFraction("simulator.faults.duplicate.fraction"),
                            c.getFraction("simulator.faults.malformed.fraction"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("simulator.faults: " + e.getMessage());
        }
        return new SimulatorSettings(
                c.get("kafka.bootstrap.servers"),
                c.get("kafka.topic.readings"),
                c.getPositiveInt("kafka.topic.partitions"),
                tags,
                interval,
                rate(c, tags, interval),
                count,
                c.getDuration("simulator.duration"),
                c.getLong("simulator.seed"),
                startTime(c, clock, interval),
                faults,
                c.isSet("simulator.copy.file") ? Path.of(c.get("simulator.copy.file")) : null,
                c.getInt("simulator.producer.linger.ms"),
                c.getPositiveInt("simulator.producer.batch.size"),
                c.get("simulator.producer.compression.type"));
    }

    /** Whether the rate is unlimited. */
    public boolean unthrottled() {
        return ratePerSecond == 0;
    }

    private static double rate(SluiceConfig c, int tags, long interval) {
        String key = "simulator.rate";
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
        String key = "simulator.start.time";
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
