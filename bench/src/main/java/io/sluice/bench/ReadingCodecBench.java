package io.sluice.bench;

import io.sluice.config.SluiceConfig;
import io.sluice.reading.Reading;
import io.sluice.reading.ReadingCodec;
import io.sluice.reading.ReadingSample;
import io.sluice.reading.ReadingSamples;
import io.sluice.reading.Rejection;
import io.sluice.reading.ScannerReadingDecoder;
import io.sluice.simulator.ReadingGenerator;
import io.sluice.simulator.SimulatedRecord;
import io.sluice.simulator.Simulator;
import io.sluice.simulator.SimulatorSettings;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Issue 9: does the readings contract need a hand-written scanner? It would stay only if it decoded
 * at least twice as fast as Jackson's streaming parser doing the same checks. It did not: {@link
 * ReadingCodec} now decodes with Jackson ({@code jacksonStreaming}), and the scanner it had is the
 * baseline here ({@link ScannerReadingDecoder}, {@code handScanner}, held to the same contract
 * tests).
 *
 * <p>One record per operation, so the score is nanoseconds per record. The records, cycled:
 *
 * <ul>
 *   <li>{@code samples}: the accepted sample files of conf/samples/readings (valid/ and alias/);
 *   <li>{@code simulator}: what the simulator sends with its defaults (10,000 tags, no faults),
 *       100,000 records as the job's benchmark reads them;
 *   <li>{@code simulator-faults}: the same with 1% each of duplicates and malformed records.
 * </ul>
 *
 * Before measuring, both decoders must give the same reading or the same reject reason for every
 * record. Run it with bench/readings-codec-jmh.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ReadingCodecBench {
    private static final int SIMULATED_RECORDS = 100_000;

    @Param({"samples", "simulator", "simulator-faults"})
    public String records;

    private byte[][] values;
    private int next;
    private final ScannerReadingDecoder scanner = ScannerReadingDecoder.withDefaults();
    private final ReadingCodec jackson = ReadingCodec.withDefaults();
    private final Reading into = new Reading();

    @Setup
    public void setUp() {
        values =
                switch (records) {
                    case "samples" -> acceptedSamples();
                    case "simulator" -> simulated(Map.of());
                    case "simulator-faults" ->
                            simulated(
                                    Map.of(
                                            "simulator.faults.duplicate.fraction", "0.01",
                                            "simulator.faults.malformed.fraction", "0.01"));
                    default -> throw new IllegalArgumentException(records);
                };
        requireTheSameResults();
    }

    @Benchmark
    public void handScanner(Blackhole bh) {
        byte[] record = nextRecord();
        bh.consume(scanner.decode(record, 0, record.length, into));
        bh.consume(into.value);
    }

    @Benchmark
    public void jacksonStreaming(Blackhole bh) {
        bh.consume(jackson.decode(nextRecord(), into));
        bh.consume(into.value);
    }

    private byte[] nextRecord() {
        byte[] record = values[next];
        next = next + 1 == values.length ? 0 : next + 1;
        return record;
    }

    private static byte[][] acceptedSamples() {
        List<ReadingSample> accepted =
                ReadingSamples.all().stream().filter(ReadingSample::accepted).toList();
        return accepted.stream().map(ReadingSample::bytes).toArray(byte[][]::new);
    }

    private static byte[][] simulated(Map<String, String> faults) {
        Map<String, String> overrides = new HashMap<>(faults);
        overrides.put("simulator.tags", "10000");
        overrides.put("simulator.start.time", "2026-11-26T00:00:00Z");
        SimulatorSettings settings =
                SimulatorSettings.fromConfig(
                        SluiceConfig.load(Map.of(), overrides), Clock.systemUTC());
        ReadingGenerator generator = Simulator.generator(settings, ReadingCodec.withDefaults());
        SimulatedRecord r = new SimulatedRecord();
        byte[][] values = new byte[SIMULATED_RECORDS][];
        for (int i = 0; i < values.length; i++) {
            generator.next(r);
            values[i] = r.value.clone();
        }
        return values;
    }

    /**
     * The comparison is fair only if both decoders do the same: the same result, record by record.
     */
    private void requireTheSameResults() {
        for (byte[] record : values) {
            Reading a = new Reading();
            Reading b = new Reading();
            Rejection ra = scanner.decode(record, 0, record.length, a);
            Rejection rb = jackson.decode(record, b);
            boolean same =
                    ra == null
                            ? rb == null && a.equals(b)
                            : rb != null && Objects.equals(ra.reason(), rb.reason());
            if (!same) {
                throw new IllegalStateException(
                        "the decoders disagree on "
                                + new String(record, StandardCharsets.UTF_8)
                                + ": "
                                + (ra == null ? a : ra)
                                + " / "
                                + (rb == null ? b : rb));
            }
        }
    }
}
