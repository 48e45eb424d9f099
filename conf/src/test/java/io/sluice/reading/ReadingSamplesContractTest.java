package io.sluice.reading;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample files are the contract's test vectors: ReadingCodec accepts or rejects each as listed
 * ({@link ReadingsContract}), and the list is complete.
 */
class ReadingSamplesContractTest extends ReadingsContract {
    private final ReadingCodec codec = ReadingCodec.withDefaults();

    @Override
    protected Decoder decoder() {
        return codec::decode;
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
