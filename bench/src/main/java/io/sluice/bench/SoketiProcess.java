package io.sluice.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Soketi, the baseline: {@code node <soketi>/bin/server.js start} with one app from its {@code
 * SOKETI_DEFAULT_APP_*} variables, as its documentation starts it. Soketi renames its process to
 * {@code soketi-server}, so its PID is the one of the process started here, never a name lookup.
 */
final class SoketiProcess implements AutoCloseable {
    private final Process process;

    private SoketiProcess(Process process) {
        this.process = process;
    }

    /** Starts Soketi from its npm install folder and waits until it listens. */
    static SoketiProcess start(
            Path home, int port, String appId, String key, String secret, File log)
            throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(
                                List.of(
                                        "node",
                                        home.resolve("node_modules/@soketi/soketi/bin/server.js")
                                                .toString(),
                                        "start"))
                        .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("SOKETI_PORT", Integer.toString(port));
        env.put("SOKETI_HOST", "127.0.0.1");
        env.put("SOKETI_DEFAULT_APP_ID", appId);
        env.put("SOKETI_DEFAULT_APP_KEY", key);
        env.put("SOKETI_DEFAULT_APP_SECRET", secret);
        env.put("SOKETI_METRICS_ENABLED", "false");
        Process p = pb.start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null && !line.contains("Server is up and running")) {
            seen.append(line).append('\n');
        }
        if (line == null) {
            p.destroy();
            throw new IOException("Soketi ended before it was ready:\n" + seen);
        }
        Thread drain =
                new Thread(
                        () -> {
                            try (var w = new java.io.FileWriter(log, StandardCharsets.UTF_8)) {
                                String l;
                                while ((l = out.readLine()) != null) {
                                    w.write(l);
                                    w.write('\n');
                                }
                            } catch (IOException ignored) {
                                // it ended
                            }
                        },
                        "soketi-stdout");
        drain.setDaemon(true);
        drain.start();
        return new SoketiProcess(p);
    }

    long pid() {
        return process.pid();
    }

    /** Its CPU time so far, in seconds: {user, system}. */
    double[] cpuSeconds() {
        return ProcCpu.userSystemSeconds(process.pid());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        ServicesProcess.awaitExit(process);
    }
}
