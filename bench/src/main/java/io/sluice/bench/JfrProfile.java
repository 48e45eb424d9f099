package io.sluice.bench;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JDK Flight Recorder profile of the benchmark's own JVM (Flink's MiniCluster runs in it; the
 * broker, PostgreSQL and Redis do not), and a summary of where the CPU samples fall.
 *
 * <p>Started by {@code --profile FILE} around the timed rounds only (not the warm-up), so the JIT
 * is warm. It samples running Java threads every 10 ms ({@code jdk.ExecutionSample}), allocations
 * ({@code jdk.ObjectAllocationSample}), GC pauses and the process's CPU load. The summary sorts
 * each sample by its thread (a Flink task thread is named after its operator chain), by the nearest
 * frame outside the JDK (so a {@code HashMap.get} counts for the state backend that called it), and
 * by whether a given operator's method is on its stack at all. Summarise a file again with {@code
 * java -cp ... io.sluice.bench.JfrProfile FILE}, or read it with {@code jfr print}.
 */
final class JfrProfile implements AutoCloseable {
    private final Recording recording;
    private final Path file;

    private JfrProfile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    static JfrProfile start(Path file) {
        Recording r = new Recording();
        r.setName("sluice-bench");
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10)).withStackTrace();
        r.enable("jdk.ObjectAllocationSample").with("throttle", "300/s").withStackTrace();
        r.enable("jdk.GarbageCollection");
        r.enable("jdk.CPULoad").withPeriod(Duration.ofSeconds(1));
        r.start();
        return new JfrProfile(r, file);
    }

    /** Stops the recording and writes it to the file. */
    @Override
    public void close() throws IOException {
        recording.stop();
        recording.dump(file);
        recording.close();
    }

    Path file() {
        return file;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JfrProfile FILE.jfr");
            System.exit(2);
        }
        summarise(Path.of(args[0]), System.out);
    }

    // ---------------------------------------------------------------------------------------------
    // The summary

    /** Categories by the class of the nearest non-JDK frame, first match wins. */
    private static final String[][] CATEGORIES = {
        {"io.sluice.reading.", "parse: ReadingCodec (JSON -> Reading)"},
        {"io.sluice.job.parse.", "parse: deserializer"},
        {"io.sluice.job.window.WindowMath", "windows: WindowMath"},
        {"io.sluice.job.window.", "windows: TagWindows, ReadingLog"},
        {"io.sluice.job.sinks.redis.", "sink: Redis writer"},
        {"io.sluice.job.sinks.", "sink: history (ConflatingSink)"},
        {"io.sluice.bench.", "bench: counting sinks"},
        {"org.postgresql.", "sink: JDBC (PostgreSQL driver, connector)"},
        {"org.apache.flink.connector.jdbc.", "sink: JDBC (PostgreSQL driver, connector)"},
        {"redis.clients.", "sink: Redis client"},
        {"org.apache.kafka.", "source: Kafka client (fetch, decompress, records)"},
        {"net.jpountz.", "source: Kafka client (fetch, decompress, records)"},
        {"org.apache.flink.connector.kafka.sink.", "sink: Kafka (dead letters, late)"},
        {"org.apache.flink.connector.kafka.", "source: Flink split reader, emitter"},
        {"org.apache.flink.connector.base.source.", "source: Flink split reader, emitter"},
        {"org.apache.flink.streaming.api.operators.InternalTimer", "timers (register, fire)"},
        {"org.apache.flink.streaming.api.operators.TimerHeap", "timers (register, fire)"},
        {"org.apache.flink.runtime.state.heap.HeapPriorityQueue", "timers (register, fire)"},
        {
            "org.apache.flink.runtime.state.heap.KeyGroupPartitionedPriorityQueue",
            "timers (register, fire)"
        },
        {"org.apache.flink.runtime.state.", "keyed state (heap backend), key groups"},
        {
            "org.apache.flink.api.common.typeutils.",
            "serialization (POJO, String, enum serializers)"
        },
        {"org.apache.flink.api.java.typeutils.", "serialization (POJO, String, enum serializers)"},
        {"org.apache.flink.types.", "serialization (POJO, String, enum serializers)"},
        {"org.apache.flink.core.memory.", "serialization (POJO, String, enum serializers)"},
        {
            "org.apache.flink.streaming.runtime.streamrecord.StreamElementSerializer",
            "serialization (POJO, String, enum serializers)"
        },
        {
            "org.apache.flink.runtime.io.network.api.serialization.",
            "serialization (POJO, String, enum serializers)"
        },
        {"org.apache.flink.runtime.plugable.", "serialization (POJO, String, enum serializers)"},
        {"org.apache.flink.runtime.io.network.", "network stack (buffers, channels, partitioner)"},
        {"org.apache.flink.shaded.netty", "network stack (buffers, channels, partitioner)"},
        {
            "org.apache.flink.streaming.runtime.io.",
            "network stack (buffers, channels, partitioner)"
        },
        {
            "org.apache.flink.streaming.runtime.partitioner.",
            "network stack (buffers, channels, partitioner)"
        },
        {"org.apache.flink.api.common.eventtime.", "watermarks"},
        {"org.apache.flink.streaming.runtime.watermark", "watermarks"},
        {"org.apache.flink.streaming.api.operators.source.", "watermarks"},
        {"org.apache.flink.", "Flink task runtime (mailbox, operator chain, outputs)"},
    };

    /** Marks: a sample counts for a mark when any frame of its stack matches (inclusive time). */
    private static final String[][] MARKS = {
        {"org.apache.kafka.clients.consumer.", "poll", "KafkaConsumer.poll (fetch, decompress)"},
        {
            "io.sluice.job.parse.ReadingDeserializer",
            "deserialize",
            "ReadingDeserializer.deserialize (parse)"
        },
        {"io.sluice.reading.ReadingCodec", "decode", "  of which ReadingCodec.decode"},
        {
            "org.apache.flink.runtime.io.network.api.writer.RecordWriter",
            "emit",
            "RecordWriter.emit (serialize, to network)"
        },
        {
            "org.apache.flink.runtime.io.network.api.serialization.",
            "*",
            "record deserialization (from network)"
        },
        {"io.sluice.job.window.TagWindows", "processElement", "TagWindows.processElement"},
        {
            "org.apache.flink.streaming.api.operators.InternalTimerServiceImpl",
            "registerEventTimeTimer",
            "  of which timer registration"
        },
        {"io.sluice.job.window.TagWindows", "onTimer", "TagWindows.onTimer (emit windows)"},
        {"io.sluice.job.window.TagWindows", "isFirstFineWindow", "  of which isFirstFineWindow"},
        {
            "io.sluice.job.window.TagWindows",
            "noteFineWindow",
            "  of which noteFineWindow (coarse windows)"
        },
        {"io.sluice.job.window.TagWindows", "cleanUp", "  of which cleanUp"},
        {"io.sluice.job.window.WindowMath", "*", "WindowMath.*"},
        {
            "org.apache.flink.runtime.state.heap.HeapValueState",
            "*",
            "HeapValueState (the ReadingLog)"
        },
        {
            "org.apache.flink.runtime.state.heap.HeapMapState",
            "*",
            "HeapMapState (fine and coarse windows)"
        },
        {
            "org.apache.flink.streaming.api.operators.InternalTimerServiceImpl",
            "advanceWatermark",
            "timers firing (advanceWatermark)"
        },
        {
            "org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner",
            "selectChannel",
            "keyBy: key group of each record"
        },
        {"org.apache.flink.runtime.state.", "snapshot*", "checkpoint snapshots"},
        {"io.sluice.job.sinks.ConflatingSink", "*", "history: ConflatingSink"},
        {"org.postgresql.", "*", "PostgreSQL driver"},
        {"io.sluice.job.sinks.redis.", "*", "Redis sink"},
        {"org.apache.flink.connector.kafka.sink.", "*", "Kafka sinks"},
    };

    private static final Pattern SUBTASK = Pattern.compile(" \\(\\d+/\\d+\\)(#\\d+)?");
    private static final Pattern NUMBER_SUFFIX = Pattern.compile("[-# ]\\d+$");

    static void summarise(Path file, PrintStream out) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Map<String, Long>> byThreadCategory = new HashMap<>();
        Map<String, Long> byCategory = new HashMap<>();
        Map<String, Long> byTopFrame = new HashMap<>();
        Map<String, Long> byMark = new LinkedHashMap<>();
        for (String[] m : MARKS) {
            byMark.put(m[2], 0L);
        }
        Map<String, Long> allocByClass = new HashMap<>();
        Map<String, Long> allocBySite = new HashMap<>();
        long allocTotal = 0;
        long samples = 0;
        long gcs = 0;
        Duration gcPause = Duration.ZERO;
        Duration gcLongest = Duration.ZERO;
        double jvmCpu = 0;
        double machineCpu = 0;
        int cpuEvents = 0;
        for (RecordedEvent e : events) {
            switch (e.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    String thread = thread(e.getThread("sampledThread"));
                    byThread.merge(thread, 1L, Long::sum);
                    List<RecordedFrame> frames = frames(e.getStackTrace());
                    if (!frames.isEmpty()) {
                        byTopFrame.merge(method(frames.get(0)), 1L, Long::sum);
                    }
                    String category = category(frames);
                    byCategory.merge(category, 1L, Long::sum);
                    byThreadCategory
                            .computeIfAbsent(thread, t -> new HashMap<>())
                            .merge(category, 1L, Long::sum);
                    Set<String> marked = new HashSet<>();
                    for (RecordedFrame f : frames) {
                        String type = f.getMethod().getType().getName();
                        String name = f.getMethod().getName();
                        for (String[] m : MARKS) {
                            if (type.startsWith(m[0]) && matches(m[1], name) && marked.add(m[2])) {
                                byMark.merge(m[2], 1L, Long::sum);
                            }
                        }
                    }
                }
                case "jdk.ObjectAllocationSample" -> {
                    if (thread(e.getThread("eventThread")).equals("main")) {
                        // The benchmark's own thread builds graphs and waits; its first sample
                        // carries the
                        // weight of all it allocated before the recording (the warm-up's reads).
                        continue;
                    }
                    long weight = e.getLong("weight");
                    allocTotal += weight;
                    allocByClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
                    allocBySite.merge(site(frames(e.getStackTrace())), weight, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcs++;
                    Duration sum = e.getDuration("sumOfPauses");
                    gcPause = gcPause.plus(sum);
                    gcLongest = sum.compareTo(gcLongest) > 0 ? sum : gcLongest;
                }
                case "jdk.CPULoad" -> {
                    jvmCpu += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                    machineCpu += e.getFloat("machineTotal");
                    cpuEvents++;
                }
                default -> {}
            }
        }
        out.printf(
                "profile  %s: %,d CPU samples (every 10 ms, of threads running Java code)",
                file, samples);
        if (cpuEvents > 0) {
            out.printf(
                    "; CPU load: this JVM %.0f%%, whole machine %.0f%% of 2 cores",
                    100 * jvmCpu / cpuEvents, 100 * machineCpu / cpuEvents);
        }
        out.printf(
                "; GC: %d collections, %.2f s paused (longest %d ms); %,.0f MB allocated (sampled estimate)%n",
                gcs, gcPause.toNanos() / 1e9, gcLongest.toMillis(), allocTotal / 1e6);
        table(out, "by thread (a Flink task thread is its operator chain)", byThread, samples, 12);
        table(out, "by nearest non-JDK frame (self time, grouped)", byCategory, samples, 16);
        List<Map.Entry<String, Long>> busiest = new ArrayList<>(byThread.entrySet());
        busiest.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        for (Map.Entry<String, Long> t : busiest.subList(0, Math.min(3, busiest.size()))) {
            table(
                    out,
                    "thread " + t.getKey() + ", by nearest non-JDK frame",
                    byThreadCategory.get(t.getKey()),
                    samples,
                    8);
        }
        table(out, "by operator method on the stack (inclusive; overlapping)", byMark, samples, -1);
        table(out, "top frames (self time, JDK included)", byTopFrame, samples, 25);
        table(
                out,
                "allocation by class (sampled bytes, Flink and Kafka threads)",
                allocByClass,
                allocTotal,
                12);
        table(
                out,
                "allocation by nearest non-JDK frame (sampled bytes, Flink and Kafka threads)",
                allocBySite,
                allocTotal,
                12);
    }

    private static void table(
            PrintStream out, String title, Map<String, Long> counts, long total, int limit) {
        out.printf("  %s:%n", title);
        List<Map.Entry<String, Long>> rows = new ArrayList<>(counts.entrySet());
        if (limit >= 0) {
            rows.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
            rows = rows.subList(0, Math.min(limit, rows.size()));
        }
        for (Map.Entry<String, Long> r : rows) {
            out.printf(
                    "    %5.1f%%  %s%n", total == 0 ? 0 : 100.0 * r.getValue() / total, r.getKey());
        }
    }

    private static List<RecordedFrame> frames(RecordedStackTrace stack) {
        return stack == null ? List.of() : stack.getFrames();
    }

    private static boolean matches(String pattern, String name) {
        return pattern.equals("*")
                || (pattern.endsWith("*")
                        ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                        : name.equals(pattern));
    }

    private static String thread(RecordedThread t) {
        String name = t == null || t.getJavaName() == null ? "?" : t.getJavaName();
        String n = SUBTASK.matcher(name).replaceAll("");
        int bar = n.indexOf(" | ");
        if (bar > 0) {
            n = n.substring(0, bar);
        }
        return NUMBER_SUFFIX.matcher(n).replaceAll("");
    }

    private static String method(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static boolean isJdk(String type) {
        return type.startsWith("java.")
                || type.startsWith("jdk.")
                || type.startsWith("sun.")
                || type.startsWith("javax.");
    }

    private static String category(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (isJdk(type)) {
                continue;
            }
            for (String[] c : CATEGORIES) {
                if (type.startsWith(c[0])) {
                    return c[1];
                }
            }
            return "other: " + type;
        }
        return frames.isEmpty() ? "no stack" : "JDK only";
    }

    private static String site(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (!isJdk(f.getMethod().getType().getName())) {
                return method(f);
            }
        }
        return frames.isEmpty() ? "no stack" : "JDK only: " + method(frames.get(0));
    }
}
