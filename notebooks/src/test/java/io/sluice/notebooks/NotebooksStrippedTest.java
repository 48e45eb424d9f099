package io.sluice.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The notebooks are kept in git without outputs: what a run shows goes to notebooks/target/. */
class NotebooksStrippedTest {
    @Test
    void noCommittedNotebookHoldsOutputs() throws Exception {
        List<Path> notebooks;
        try (var files = Files.list(Path.of(""))) {
            notebooks = files.filter(f -> f.toString().endsWith(".ipynb")).toList();
        }
        assertThat(notebooks).hasSize(3);
        for (Path notebook : notebooks) {
            for (JsonNode cell : new ObjectMapper().readTree(notebook.toFile()).path("cells")) {
                if (cell.path("cell_type").asText().equals("code")) {
                    assertThat(cell.path("outputs")).as("outputs in %s", notebook).isEmpty();
                    assertThat(cell.path("execution_count").isNull())
                            .as("execution count in %s", notebook)
                            .isTrue();
                }
            }
        }
    }
}
