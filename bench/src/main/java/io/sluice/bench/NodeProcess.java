package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Node program of bench/node that speaks JSON lines: one object a line on its standard input and
 * output. Its standard error goes to a log file.
 */
final class NodeProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private NodeProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts {@code node script args...} in {@code dir}, its standard error appended to log. */
    static NodeProcess start(String name, Path script, List<String> args, File log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(args);
        Process p =
                new ProcessBuilder(command)
                        .directory(script.getParent().toFile())
                        .redirectError(ProcessBuilder.Redirect.appendTo(log))
                        .start();
        return new NodeProcess(name, p);
    }

    /** The next line it prints, as JSON; fails when it ends first or reports an error. */
    JsonNode read() throws IOException {
        String line = out.readLine();
        if (line == null) {
            throw new IOException(name + " ended; see its log");
        }
        JsonNode node = JSON.readTree(line);
        if (node.has("error")) {
            throw new IOException(name + ": " + node.get("error").asText());
        }
        return node;
    }

    /** Sends a command. */
    void send(Map<String, Object> command) throws IOException {
        in.write(JSON.writeValueAsString(command));
        in.write('\n');
        in.flush();
    }

    long pid() {
        return process.pid();
    }

    /** Its CPU time so far, user + system, in seconds. */
    double cpuSeconds() {
        return ProcCpu.processSeconds(process.pid());
    }

    /** Waits for it to end; its exit code. */
    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public void close() {
        process.destroy();
        ServicesProcess.awaitExit(process);
    }
}
