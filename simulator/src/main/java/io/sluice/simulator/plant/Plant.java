package io.sluice.simulator.plant;

import io.sluice.reading.ReadingCodec;
import io.sluice.simulator.signal.DigitalOnOff;
import io.sluice.simulator.signal.QualityModel;
import io.sluice.simulator.signal.RampAndStep;
import io.sluice.simulator.signal.RandomWalk;
import io.sluice.simulator.signal.Signal;
import io.sluice.simulator.signal.SineWithNoise;
import io.sluice.simulator.signal.StuckValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A plant of N tags in the hierarchy site.area.device.measurement, like
 * plant1.area03.pump007.pressure, each with a signal model that suits its measurement.
 *
 * <p>Ten devices to an area and ten areas to a site; a device's type, and so its measurements, is
 * drawn from the seed. The same seed and N give the same plant.
 */
public final class Plant {
    static final int DEVICES_PER_AREA = 10;
    static final int AREAS_PER_SITE = 10;

    /** Share of analog tags whose transmitter is stuck on one value. */
    static final double STUCK_SHARE = 0.02;

    static final double QUALITY_EPISODE_PROBABILITY = 0.0005;
    static final double DROPOUT_PROBABILITY = 0.0002;

    private enum DeviceType {
        PUMP("pump", "pressure", "flow", "temperature", "vibration", "running"),
        VALVE("valve", "position", "open"),
        TANK("tank", "level", "temperature"),
        MOTOR("motor", "current", "speed", "temperature", "running"),
        COMPRESSOR("compressor", "pressure", "temperature", "running");

        final String prefix;
        final String[] measurements;

        DeviceType(String prefix, String... measurements) {
            this.prefix = prefix;
            this.measurements = measurements;
        }
    }

    private final List<PlantTag> tags;

    private Plant(List<PlantTag> tags) {
        this.tags = Collections.unmodifiableList(tags);
    }

    /** Builds a plant of {@code tagCount} tags whose readings come every {@code intervalMs}. */
    public static Plant build(int tagCount, long intervalMs, long seed) {
        if (tagCount < 1) {
            throw new IllegalArgumentException("a plant needs at least one tag: " + tagCount);
        }
        SplittableRandom plantRandom = new SplittableRandom(seed);
        List<PlantTag> tags = new ArrayList<>(tagCount);
        DeviceType[] types = DeviceType.values();
        for (int device = 0; tags.size() < tagCount; device++) {
            DeviceType type = types[plantRandom.nextInt(types.length)];
            int site = device / (DEVICES_PER_AREA * AREAS_PER_SITE) + 1;
            int area = device / DEVICES_PER_AREA % AREAS_PER_SITE + 1;
            String prefix =
                    String.format(
                            "plant%d.area%02d.%s%03d.",
                            site,
                            area,
                            type.prefix,
                            device % (DEVICES_PER_AREA * AREAS_PER_SITE) + 1);
            for (String measurement : type.measurements) {
                if (tags.size() == tagCount) {
                    break;
                }
                String name = prefix + measurement;
                if (!ReadingCodec.isValidTag(name)) {
                    throw new IllegalStateException("the plant made an invalid tag: " + name);
                }
                SplittableRandom tagRandom = plantRandom.split();
                // Phases spread the tags' readings evenly over each interval, in tag order.
                long phase = tags.size() * intervalMs / tagCount;
                tags.add(
                        new PlantTag(
                                name,
                                phase,
                                signalFor(measurement, tagRandom),
                                new QualityModel(QUALITY_EPISODE_PROBABILITY, DROPOUT_PROBABILITY),
                                tagRandom));
            }
        }
        return new Plant(tags);
    }

    public List<PlantTag> tags() {
        return tags;
    }

    public int size() {
        return tags.size();
    }

    private static Signal signalFor(String measurement, SplittableRandom r) {
        boolean digital = measurement.equals("running") || measurement.equals("open");
        if (digital) {
            return new DigitalOnOff(
                    60_000 + r.nextInt(600_000), 5_000 + r.nextInt(120_000), r.nextBoolean());
        }
        if (r.nextDouble() < STUCK_SHARE) {
            return new StuckValue(Math.rint(r.nextDouble(0, 100) * 1000) / 1000);
        }
        switch (measurement) {
            case "pressure":
                return new SineWithNoise(
                        4 + r.nextDouble(4),
                        0.5 + r.nextDouble(),
                        30_000 + r.nextInt(300_000),
                        r.nextDouble(2 * Math.PI),
                        0.02);
            case "vibration":
                return new SineWithNoise(
                        2 + r.nextDouble(2),
                        0.3,
                        1_000 + r.nextInt(5_000),
                        r.nextDouble(2 * Math.PI),
                        0.3);
            case "current":
                return new SineWithNoise(
                        40 + r.nextDouble(60),
                        5,
                        10_000 + r.nextInt(60_000),
                        r.nextDouble(2 * Math.PI),
                        0.5);
            case "flow":
                return new RandomWalk(50 + r.nextDouble(100), 0.2, 0, 250);
            case "level":
                return new RandomWalk(20 + r.nextDouble(60), 0.05, 0, 100);
            case "temperature":
                return new RampAndStep(20 + r.nextDouble(40), 15, 95, 0.2, 0.0005);
            case "position":
                return new RampAndStep(r.nextDouble(100), 0, 100, 5, 0.002);
            case "speed":
                return new RampAndStep(1000 + r.nextDouble(500), 0, 3000, 50, 0.001);
            default:
                return new RandomWalk(r.nextDouble(100), 0.1, 0, 100);
        }
    }
}
