package io.sluice.simulator;

import io.sluice.reading.ReadingCodec;
import io.sluice.simulator.plant.Plant;

import org.apache.kafka.clients.producer.KafkaProducer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulator run: checks the broker, then sends the plant's firehose with a progress line a
 * second.
 */
public final class Simulator {
    private final SimulatorSettings settings;
    private final ReadingCodec codec;
    private final PrintWriter out;
    private volatile Firehose firehose;

    public Simulator(SimulatorSettings settings, ReadingCodec codec, PrintWriter out) {
        this.settings = settings;
        this.codec = codec;
        this.out = out;
    }

    /** The generator that a run with these settings uses; tests and benchmarks call it directly. */
    public static ReadingGenerator generator(SimulatorSettings s, ReadingCodec codec) {
        Plant plant = Plant.build(s.tags(), s.intervalMs(), s.seed());
        return new ReadingGenerator(
                plant, s.startTs(), s.intervalMs(), s.faults(), s.seed(), codec);
    }

    /** Runs until the settings' count or duration, or until {@code stop} is set. */
    public RunSummary run(AtomicBoolean stop) {
        TopicPreflight.ensureTopic(settings);
        ReadingGenerator generator = generator(settings, codec);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = ProducerFactory.create(settings);
                OutputStream copy = openCopy()) {
            Firehose firehose =
                    new Firehose(producer, settings.topic(), settings.ratePerSecond(), copy);
            this.firehose = firehose;
            ScheduledExecutorService ticker = startProgress(firehose, start);
            try {
                firehose.run(generator, settings.count(), settings.duration(), stop);
            } finally {
                ticker.shutdownNow();
            }
            return RunSummary.of(Duration.ofNanos(System.nanoTime() - start), firehose, generator);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the copy file " + settings.copyFile(), e);
        }
    }

    /** Records sent so far by the current run; 0 before it starts. */
    public long sent() {
        Firehose f = firehose;
        return f == null ? 0 : f.sent();
    }

    private OutputStream openCopy() throws IOException {
        if (settings.copyFile() == null) {
            return null;
        }
        return new BufferedOutputStream(Files.newOutputStream(settings.copyFile()), 1 << 20);
    }

    private ScheduledExecutorService startProgress(Firehose firehose, long start) {
        ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "simulator-progress");
                            t.setDaemon(true);
                            return t;
                        });
        long[] lastSent = {0};
        ticker.scheduleAtFixedRate(
                () -> {
                    long sent = firehose.sent();
                    out.printf(
                            "[%4ds] rate %,9d records/s | sent %,12d | acked %,12d | errors %,d%n",
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                            sent - lastSent[0],
                            sent,
                            firehose.acked(),
                            firehose.failed());
                    lastSent[0] = sent;
                },
                1,
                1,
                TimeUnit.SECONDS);
        return ticker;
    }
}
