package io.sluice.reading;

/**
 * The contract's vectors through Jackson alone: the path for every record that {@link
 * CanonicalScan} leaves, so it must meet the whole contract on its own.
 */
class JacksonPathContractTest extends ReadingsContract {
    private final ReadingCodec codec = ReadingCodec.withDefaults();

    @Override
    protected Decoder decoder() {
        return (bytes, offset, length, into) -> {
            Rejection size = ReadingRules.size(bytes, length, codec.limits().maxBytes());
            return size != null ? size : codec.decodeJson(bytes, offset, length, into);
        };
    }
}
