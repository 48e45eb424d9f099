package io.sluice.reading;

/** The Jackson baseline of the readings-codec benchmark is held to the same contract tests. */
class JacksonReadingDecoderContractTest extends ReadingsContract {
    private final JacksonReadingDecoder decoder = JacksonReadingDecoder.withDefaults();

    @Override
    protected Decoder decoder() {
        return decoder::decode;
    }
}
