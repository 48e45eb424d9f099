package io.sluice.simulator.signal;

import io.sluice.reading.Quality;

import java.util.SplittableRandom;

/**
 * A transmitter's health over time: mostly good, with episodes of uncertain or bad quality, and
 * dropouts during which it sends nothing at all (a lost link).
 */
public final class QualityModel {
    /** Chance per reading that an uncertain or bad episode starts. */
    private final double episodeProbability;

    /** Chance per reading that a dropout starts. */
    private final double dropoutProbability;

    private Quality quality = Quality.GOOD;
    private int remaining;
    private boolean dropout;

    public QualityModel(double episodeProbability, double dropoutProbability) {
        this.episodeProbability = episodeProbability;
        this.dropoutProbability = dropoutProbability;
    }

    /** Advances one reading; then {@link #sends()} and {@link #quality()} describe it. */
    public void advance(SplittableRandom random) {
        if (remaining > 0) {
            remaining--;
            if (remaining == 0) {
                quality = Quality.GOOD;
                dropout = false;
            }
            return;
        }
        double u = random.nextDouble();
        if (u < dropoutProbability) {
            dropout = true;
            remaining = 5 + random.nextInt(50);
        } else if (u < dropoutProbability + episodeProbability) {
            quality = random.nextInt(3) == 0 ? Quality.BAD : Quality.UNCERTAIN;
            remaining = 10 + random.nextInt(100);
        }
    }

    /** False during a dropout. */
    public boolean sends() {
        return !dropout;
    }

    public Quality quality() {
        return quality;
    }
}
