package io.sluice.bench;

/**
 * One of issue 3's job-benchmark measurements: read the whole pre-loaded topic once, from the
 * earliest offset, and say how long it took.
 *
 * <p>Each run must use a fresh consumer group (or none), and must check that all the topic's
 * readings went through: a fast run that dropped readings is a wrong figure, not a good one.
 */
interface Measurement {
    /**
     * Runs once over the whole topic.
     *
     * @param runId unique per run, for consumer groups and client ids
     * @param verify whether to run the (possibly slower) variant that counts every reading; the
     *     warm-up round passes true, the timed rounds false. A measurement that counts for free
     *     counts always.
     */
    Timing run(PreloadedTopic topic, int parallelism, String runId, boolean verify)
            throws Exception;

    /**
     * How long one run took.
     *
     * @param seconds the timed span the rate is computed from
     * @param wallSeconds wall clock around the whole run, start-up included
     * @param note what was timed and verified, printed beside the rate
     */
    record Timing(long readings, double seconds, double wallSeconds, String note) {
        double rate() {
            return readings / seconds;
        }
    }
}
