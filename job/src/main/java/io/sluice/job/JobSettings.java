package io.sluice.job;

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
        int parallelism,
        int maxParallelism,
        long checkpointIntervalMs,
        String checkpointDir,
        String stateBackend,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        int jdbcBatchSize,
        long jdbcBatchIntervalMs,
        int jdbcMaxRetries,
        boolean applySchema,
        ReadingLimits readingLimits,
        int channelGroupDepth) {

    public static JobSettings fromConfig(SluiceConfig c) {
        String offsets = c.get("job.kafka.starting.offsets");
        if (!List.of("committed", "earliest", "latest").contains(offsets)) {
            throw c.invalid("job.kafka.starting.offsets", "is not committed, earliest or latest");
        }
        String backend = c.get("job.state.backend");
        if (!List.of("hashmap", "rocksdb").contains(backend)) {
            throw c.invalid("job.state.backend", "is not hashmap or rocksdb");
        }
        List<String> sizes = c.getList("job.window.sizes");
        if (sizes.isEmpty()) {
            throw c.invalid("job.window.sizes", "names no window size");
        }
        long[] sizesMs = new long[sizes.size()];
        for (int i = 0; i < sizesMs.length; i++) {
            try {
                sizesMs[i] = SluiceConfig.parseDuration(sizes.get(i)).toMillis();
            } catch (IllegalArgumentException e) {
                throw c.invalid(
                        "job.window.sizes", "has '" + sizes.get(i) + "', which is not a duration");
            }
            if (sizesMs[i] < 1
                    || (i > 0 && (sizesMs[i] <= sizesMs[i - 1] || sizesMs[i] % sizesMs[0] != 0))) {
                throw c.invalid("job.window.sizes", "must rise, each a multiple of the smallest");
            }
        }
        return new JobSettings(
                c.get("job.name"),
                c.get("kafka.bootstrap.servers"),
                c.get("kafka.topic.readings"),
                c.get("kafka.topic.dead-letters"),
                c.get("kafka.topic.late"),
                c.get("job.kafka.group.id"),
                offsets,
                Duration.ofMillis(c.getLong("job.watermark.out-of-orderness.ms")),
                Duration.ofMillis(c.getLong("job.watermark.interval.ms")),
                Duration.ofMillis(c.getLong("job.watermark.idleness.ms")),
                sizesMs,
                c.getLong("job.window.allowed-lateness.ms"),
                c.getInt("job.parallelism"),
                c.getInt("job.max-parallelism"),
                c.getLong("job.checkpoint.interval.ms"),
                c.get("job.checkpoint.dir"),
                backend,
                c.get("jdbc.url"),
                c.get("jdbc.user"),
                c.get("jdbc.password"),
                c.getInt("job.jdbc.batch.size"),
                c.getLong("job.jdbc.batch.interval.ms"),
                c.getInt("job.jdbc.max-retries"),
                c.getBoolean("job.schema.apply"),
                ReadingLimits.fromConfig(c),
                c.getInt("redis.group.depth"));
    }
}
