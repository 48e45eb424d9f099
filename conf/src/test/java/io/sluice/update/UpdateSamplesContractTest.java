package io.sluice.update;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample files are the contract's test vectors: each decodes to its expected update, and
 * encodes back to its exact bytes.
 */
class UpdateSamplesContractTest {
    private final UpdateCodec codec = UpdateCodec.withDefaults();

    @Test
    void messageSampleDecodesToThreeTagsOfOneSecondWindow() {
        byte[] bytes = UpdateSamples.bytes(UpdateSamples.MESSAGE_FILE);
        GroupUpdate decoded = codec.decodeMessage(UpdateSamples.GROUP, bytes);

        assertThat(decoded).isEqualTo(UpdateSamples.message());
        assertThat(decoded.tags())
                .extracting(t -> t.tag(decoded.group()))
                .containsExactly(
                        "plant1.area03.pump007.pressure",
                        "plant1.area03.pump007.running",
                        "plant1.area03.tank004.level");
        assertThat(codec.encodeMessage(decoded)).isEqualTo(bytes);
    }

    @Test
    void revisionSampleDecodesToALateRevisionOfAMinuteWindow() {
        byte[] bytes = UpdateSamples.bytes(UpdateSamples.REVISION_FILE);
        GroupUpdate decoded = codec.decodeMessage(UpdateSamples.GROUP, bytes);

        assertThat(decoded).isEqualTo(UpdateSamples.revision());
        assertThat(decoded.tags().get(0).revision()).isEqualTo(1);
        assertThat(codec.encodeMessage(decoded)).isEqualTo(bytes);
    }

    @Test
    void latestSampleDecodesToTheNewestWindowOfOneTag() {
        byte[] bytes = UpdateSamples.bytes(UpdateSamples.LATEST_FILE);
        TagUpdate decoded = codec.decodeLatest(UpdateSamples.LATEST_NAME, bytes);

        assertThat(decoded).isEqualTo(UpdateSamples.latest());
        assertThat(codec.encodeLatest(decoded)).isEqualTo(bytes);
    }

    @Test
    void samplesAreExactBytesWithoutATrailingNewline() {
        for (String file :
                new String[] {
                    UpdateSamples.MESSAGE_FILE,
                    UpdateSamples.REVISION_FILE,
                    UpdateSamples.LATEST_FILE
                }) {
            String text = new String(UpdateSamples.bytes(file), StandardCharsets.UTF_8);
            assertThat(text).as(file).doesNotEndWith("\n").doesNotContain(" ");
        }
    }

    @Test
    void everySampleFileIsCoveredAndTheClasspathCopyMatchesTheSource() throws IOException {
        Path root = Path.of("samples/updates");
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(root)) {
            onDisk =
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> !n.equals("README.md"))
                            .collect(Collectors.toSet());
        }
        assertThat(onDisk)
                .containsExactlyInAnyOrder(
                        UpdateSamples.MESSAGE_FILE,
                        UpdateSamples.REVISION_FILE,
                        UpdateSamples.LATEST_FILE,
                        WindowVersionVectors.FILE);
        for (String file : onDisk) {
            assertThat(UpdateSamples.bytes(file))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(root.resolve(file)));
        }
    }
}
