package io.sluice.reading;

/** Why a record is not a reading. The names are stable: dead letters and samples carry them. */
public enum RejectReason {
    /** No bytes at all (or a Kafka tombstone). */
    EMPTY,
    /** Larger than readings.max.bytes. */
    OVERSIZED,
    /** Not a well-formed JSON object. */
    NOT_JSON,
    /** A field given twice, including tag with channel or ts with timestamp. */
    DUPLICATE_FIELD,
    /** Neither tag nor channel. */
    MISSING_TAG,
    /** A tag that is not a string of dot-separated segments of [A-Za-z0-9_-]. */
    INVALID_TAG,
    /** No value. */
    MISSING_VALUE,
    /** A value that is not a JSON number or boolean. */
    NON_NUMERIC_VALUE,
    /** NaN, an infinity, or a number beyond the range of a double. */
    NON_FINITE_VALUE,
    /** Neither ts nor timestamp. */
    MISSING_TIMESTAMP,
    /** A timestamp that is neither whole epoch milliseconds nor ISO-8601 with a zone offset. */
    INVALID_TIMESTAMP,
    /** A timestamp outside [readings.min.timestamp, readings.max.timestamp). */
    TIMESTAMP_OUT_OF_RANGE,
    /** A quality that is neither good, uncertain, bad nor a 32-bit OPC UA status code. */
    INVALID_QUALITY
}
