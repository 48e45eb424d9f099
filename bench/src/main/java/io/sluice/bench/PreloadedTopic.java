package io.sluice.bench;

/**
 * The topic every measurement of the job benchmark reads from start to end: written once, before
 * the first round, and never again.
 *
 * @param records how many readings it holds; a run is over when it has seen them all
 */
record PreloadedTopic(String bootstrapServers, String topic, int partitions, long records) {}
