package io.sluice.job;

import io.sluice.config.ConfigKeys;
import io.sluice.config.SluiceConfig;
import io.sluice.reading.ReadingLimits;

import java.time.Duration;
import java.util.List;

/**
 * The job's settings, read from the job.* keys (and the shared kafka.*, jdbc.* and readings.* keys)
 * of conf/sluice.properties, where each is documented.
 */
public record JobSettings(
        String name,
        String bootstrapServers,
        String readingsTopic,
        String deadLetterTopic,
        String lateTopic,
        String groupId,
        String startingOffsets,
        Duration outOfOrderness,
        Duration watermarkInterval,
        Duration idleness,
        long[] windowSizesMs,
        long allowedLatenessMs,
        int batchMaxReadings,
        int parallelism,
        int maxParallelism,
        long checkpointIntervalMs,
        String checkpointDir,
        String stateBackend,
        int stateCacheMaxTags,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        int jdbcBatchSize,
        long jdbcBatchIntervalMs,
        int jdbcMaxRetries,
        boolean applySchema,
        long faultsRetentionMs,
        ReadingLimits readingLimits,
        int channelGroupDepth) {

    public static JobSettings fromConfig(SluiceConfig c) {
        String offsets = c.get(ConfigKeys.JOB_KAFKA_STARTING_OFFSETS);
        if (!List.of("committed", "earliest", "latest").contains(offsets)) {
            throw c.invalid(
                    ConfigKeys.JOB_KAFKA_STARTING_OFFSETS, "is not committed, earliest or latest");
        }
        String backend = c.get(ConfigKeys.JOB_STATE_BACKEND);
        if (!List.of("hashmap", "rocksdb").contains(backend)) {
            throw c.invalid(ConfigKeys.JOB_STATE_BACKEND, "is not hashmap or rocksdb");
        }
        List<String> sizes = c.getList(ConfigKeys.JOB_WINDOW_SIZES);
        if (sizes.isEmpty()) {
            throw c.invalid(ConfigKeys.JOB_WINDOW_SIZES, "names no window size");
        }
        long[] sizesMs = new long[sizes.size()];
        for (int i = 0; i < sizesMs.length; i++) {
            try {
                sizesMs[i] = SluiceConfig.parseDuration(sizes.get(i)).toMillis();
            } catch (IllegalArgumentException e) {
                throw c.invalid(
                        ConfigKeys.JOB_WINDOW_SIZES,
                        "has '" + sizes.get(i) + "', which is not a duration");
            }
            if (sizesMs[i] < 1
                    || (i > 0 && (sizesMs[i] <= sizesMs[i - 1] || sizesMs[i] % sizesMs[0] != 0))) {
                throw c.invalid(
                        ConfigKeys.JOB_WINDOW_SIZES, "must rise, each a multiple of the smallest");
            }
        }
        if (c.getInt(ConfigKeys.JOB_BATCH_MAX_READINGS) < 1) {
            throw c.invalid(ConfigKeys.JOB_BATCH_MAX_READINGS, "must be positive");
        }
        if (c.getInt(ConfigKeys.JOB_STATE_CACHE_MAX_TAGS) < 1) {
            throw c.invalid(ConfigKeys.JOB_STATE_CACHE_MAX_TAGS, "must be positive");
        }
        if (c.getLong(ConfigKeys.JOB_FAULTS_RETENTION_MS) < 1) {
            throw c.invalid(ConfigKeys.JOB_FAULTS_RETENTION_MS, "must be positive");
        }
        return new JobSettings(
                c.get(ConfigKeys.JOB_NAME),
                c.get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS),
                c.get(ConfigKeys.KAFKA_TOPIC_READINGS),
                c.get(ConfigKeys.KAFKA_TOPIC_DEAD_LETTERS),
                c.get(ConfigKeys.KAFKA_TOPIC_LATE),
                c.get(ConfigKeys.JOB_KAFKA_GROUP_ID),
                offsets,
                Duration.ofMillis(c.getLong(ConfigKeys.JOB_WATERMARK_OUT_OF_ORDERNESS_MS)),
                Duration.ofMillis(c.getLong(ConfigKeys.JOB_WATERMARK_INTERVAL_MS)),
                Duration.ofMillis(c.getLong(ConfigKeys.JOB_WATERMARK_IDLENESS_MS)),
                sizesMs,
                c.getLong(ConfigKeys.JOB_WINDOW_ALLOWED_LATENESS_MS),
                c.getInt(ConfigKeys.JOB_BATCH_MAX_READINGS),
                c.getInt(ConfigKeys.JOB_PARALLELISM),
                c.getInt(ConfigKeys.JOB_MAX_PARALLELISM),
                c.getLong(ConfigKeys.JOB_CHECKPOINT_INTERVAL_MS),
                c.get(ConfigKeys.JOB_CHECKPOINT_DIR),
                backend,
                c.getInt(ConfigKeys.JOB_STATE_CACHE_MAX_TAGS),
                c.get(ConfigKeys.JDBC_URL),
                c.get(ConfigKeys.JDBC_USER),
                c.get(ConfigKeys.JDBC_PASSWORD),
                c.getInt(ConfigKeys.JOB_JDBC_BATCH_SIZE),
                c.getLong(ConfigKeys.JOB_JDBC_BATCH_INTERVAL_MS),
                c.getInt(ConfigKeys.JOB_JDBC_MAX_RETRIES),
                c.getBoolean(ConfigKeys.JOB_SCHEMA_APPLY),
                c.getLong(ConfigKeys.JOB_FAULTS_RETENTION_MS),
                ReadingLimits.fromConfig(c),
                c.getInt(ConfigKeys.REDIS_GROUP_DEPTH));
    }
}
