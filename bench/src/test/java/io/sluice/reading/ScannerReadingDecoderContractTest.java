package io.sluice.reading;

/** The scanner baseline of the readings-codec benchmark is held to the same contract tests. */
class ScannerReadingDecoderContractTest extends ReadingsContract {
    private final ScannerReadingDecoder decoder = ScannerReadingDecoder.withDefaults();

    @Override
    protected Decoder decoder() {
        return decoder::decode;
    }
}
