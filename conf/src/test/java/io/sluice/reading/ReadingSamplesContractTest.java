package io.sluice.reading;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample files are the contract's test vectors: each is accepted or rejected as listed. */
class ReadingSamplesContractTest {
    private final ReadingCodec codec = ReadingCodec.withDefaults();

    static List<ReadingSample> samples() {
        return ReadingSamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decodesEachSampleAsExpected(ReadingSample sample) {
        Reading reading = new Reading();
        Rejection rejection = codec.decode(sample.bytes(), reading);

        if (sample.accepted()) {
            assertThat(rejection).as("rejection of %s", sample.file()).isNull();
            assertThat(new String(codec.encode(reading), StandardCharsets.UTF_8))
                    .as("canonical encoding of %s", sample.file())
                    .isEqualTo(sample.canonical());
        } else {
            assertThat(rejection).as("rejection of %s", sample.file()).isNotNull();
            assertThat(rejection.reason()).isEqualTo(sample.reason());
            assertThat(rejection.detail()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void acceptedSamplesRoundTripThroughTheCanonicalEncoding(ReadingSample sample) {
        if (!sample.accepted()) {
            return;
        }
        Reading first = new Reading();
        assertThat(codec.decode(sample.bytes(), first)).isNull();
        byte[] canonical = codec.encode(first);
        Reading second = new Reading();
        assertThat(codec.decode(canonical, second)).isNull();
        assertThat(second).isEqualTo(first);
        assertThat(codec.encode(second)).isEqualTo(canonical);
    }

    @Test
    void everySampleFileIsListedAndEveryListedFileExists() throws IOException {
        Path root = Path.of("samples/readings");
        Set<String> onDisk;
        try (Stream<Path> files = Files.walk(root)) {
            onDisk =
                    files.filter(Files::isRegularFile)
                            .map(p -> root.relativize(p).toString())
                            .filter(
                                    name ->
                                            !name.equals("expected.tsv")
                                                    && !name.equals("README.md"))
                            .collect(Collectors.toSet());
        }
        Set<String> listed =
                ReadingSamples.all().stream().map(ReadingSample::file).collect(Collectors.toSet());
        assertThat(listed).isEqualTo(onDisk);
    }

    @Test
    void samplesCoverEveryRejectReason() {
        Set<RejectReason> covered =
                ReadingSamples.malformed().stream()
                        .map(ReadingSample::reason)
                        .collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrder(RejectReason.values());
    }
}
