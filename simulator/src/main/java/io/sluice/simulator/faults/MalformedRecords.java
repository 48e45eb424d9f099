package io.sluice.simulator.faults;

import io.sluice.reading.Reading;
import io.sluice.reading.RejectReason;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Malformed records made from a real reading, one kind for each way the contract's samples say a
 * record can be wrong. Each kind is labelled with the reason the codec must give, and the tests
 * hold the two together.
 */
public final class MalformedRecords {
    /** The kinds made, in a fixed order so that a seed picks the same ones. */
    public static final RejectReason[] KINDS = {
        RejectReason.NOT_JSON,
        RejectReason.MISSING_TAG,
        RejectReason.INVALID_TAG,
        RejectReason.NON_NUMERIC_VALUE,
        RejectReason.NON_FINITE_VALUE,
        RejectReason.MISSING_TIMESTAMP,
        RejectReason.TIMESTAMP_OUT_OF_RANGE,
        RejectReason.OVERSIZED
    };

    private final int maxBytes;

    /**
     * @param maxBytes the consumer's readings.max.bytes, which an oversized record exceeds
     */
    public MalformedRecords(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public RejectReason pick(SplittableRandom random) {
        return KINDS[random.nextInt(KINDS.length)];
    }

    /** A record of the given kind, made from the reading. */
    public byte[] make(RejectReason kind, Reading r) {
        String tag = r.tag;
        String value = Double.toString(r.value);
        String text;
        switch (kind) {
            case NOT_JSON:
                text = tag + "," + value + "," + r.ts;
                break;
            case MISSING_TAG:
                text = "{\"ts\":" + r.ts + ",\"value\":" + value + "}";
                break;
            case INVALID_TAG:
                text =
                        "{\"tag\":\""
                                + tag.replace('.', '/')
                                + " \",\"ts\":"
                                + r.ts
                                + ",\"value\":"
                                + value
                                + "}";
                break;
            case NON_NUMERIC_VALUE:
                text = "{\"tag\":\"" + tag + "\",\"ts\":" + r.ts + ",\"value\":\"" + value + "\"}";
                break;
            case NON_FINITE_VALUE:
                text = "{\"tag\":\"" + tag + "\",\"ts\":" + r.ts + ",\"value\":NaN}";
                break;
            case MISSING_TIMESTAMP:
                text = "{\"tag\":\"" + tag + "\",\"value\":" + value + "}";
                break;
            case TIMESTAMP_OUT_OF_RANGE:
                text =
                        "{\"tag\":\""
                                + tag
                                + "\",\"ts\":"
                                + r.ts / 1000
                                + ",\"value\":"
                                + value
                                + "}";
                break;
            case OVERSIZED:
                text =
                        "{\"tag\":\""
                                + tag
                                + "\",\"ts\":"
                                + r.ts
                                + ",\"value\":"
                                + value
                                + ",\"note\":\""
                                + "x".repeat(maxBytes)
                                + "\"}";
                break;
            default:
                throw new IllegalArgumentException("no malformed record of kind " + kind);
        }
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
