package io.sluice.reading;

/**
 * One file of conf/samples/readings and what the codec must make of it.
 *
 * @param file path below conf/samples/readings, like malformed/not-json.txt
 * @param bytes the file's exact bytes: a Kafka record value
 * @param canonical when accepted, the reading's canonical encoding; otherwise null
 * @param reason when rejected, why; otherwise null
 */
public record ReadingSample(String file, byte[] bytes, String canonical, RejectReason reason) {
    public boolean accepted() {
        return reason == null;
    }
}
