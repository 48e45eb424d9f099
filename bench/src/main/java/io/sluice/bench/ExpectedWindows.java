package io.sluice.bench;

import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The windows the job must produce from the pre-loaded topic, counted from the data itself: for
 * each window size, how many (tag, window) pairs hold at least one reading.
 *
 * <p>Not simply readings / 10 for the 1 s windows: the simulator's plant has dropouts (a tag sends
 * nothing for 5 to 55 intervals now and then), so a few windows have fewer readings and some none.
 * Read once, untimed, with a plain consumer and the readings codec, and kept for all the runs.
 *
 * @param rows window size in ms -> windows with readings
 */
record ExpectedWindows(
        long readings, long rejected, int tags, Map<Long, Long> rows, long firstTs, long lastTs) {
    private static final Map<String, ExpectedWindows> CACHE = new ConcurrentHashMap<>();

    /** The topic's windows of the given sizes, read the first time and remembered. */
    static ExpectedWindows of(PreloadedTopic topic, long[] sizesMs) {
        return CACHE.computeIfAbsent(
                topic.topic() + Arrays.toString(sizesMs), k -> read(topic, sizesMs));
    }

    long totalRows() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    private static ExpectedWindows read(PreloadedTopic topic, long[] sizesMs) {
        ReadingCodec codec = ReadingCodec.withDefaults();
        Map<String, Integer> tagIds = new HashMap<>();
        List<Set<Long>> windows =
                Arrays.stream(sizesMs).mapToObj(s -> (Set<Long>) new HashSet<Long>()).toList();
        long readings = 0;
        long rejected = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        Reading r = new Reading();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(RawConsumerRead.properties(topic, "expected-windows"))) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic.topic()).stream()
                            .map(p -> new TopicPartition(topic.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (seen < topic.records()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "read " + seen + " of " + topic.records() + " records in 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                    if (codec.decode(record.value(), r) != null) {
                        rejected++;
                        continue;
                    }
                    readings++;
                    first = Math.min(first, r.ts);
                    last = Math.max(last, r.ts);
                    long id = tagIds.computeIfAbsent(r.tag, t -> tagIds.size());
                    for (int i = 0; i < sizesMs.length; i++) {
                        // 24 bits of tag, 40 of window number: 2^40 seconds is 35,000 years.
                        windows.get(i).add(id << 40 | Math.floorDiv(r.ts, sizesMs[i]));
                    }
                }
            }
        }
        Map<Long, Long> rows = new LinkedHashMap<>();
        for (int i = 0; i < sizesMs.length; i++) {
            rows.put(sizesMs[i], (long) windows.get(i).size());
        }
        return new ExpectedWindows(readings, rejected, tagIds.size(), rows, first, last);
    }
}
