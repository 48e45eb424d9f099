package io.sluice.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Soketi, the baseline: {@code node <soketi>/bin/server.js start} with one app from its {@code
 * SOKETI_DEFAULT_APP_*} variables, as its documentation starts it. Soketi renames its process to
 * {@code soketi-server}, so its PID is the one of the process started here, never a name lookup.
 */
final class SoketiProcess {
    private SoketiProcess() {}

    /** Starts Soketi from its npm install folder and waits until it listens. */
    static ServerProcess start(
            Path home, int port, String appId, String key, String secret, File log)
            throws IOException {
        return ServerProcess.start(
                "soketi",
                List.of(
                        "node",
                        home.resolve("node_modules/@soketi/soketi/bin/server.js").toString(),
                        "start"),
                Map.of(
                        "SOKETI_PORT",
                        Integer.toString(port),
                        "SOKETI_HOST",
                        "127.0.0.1",
                        "SOKETI_DEFAULT_APP_ID",
                        appId,
                        "SOKETI_DEFAULT_APP_KEY",
                        key,
                        "SOKETI_DEFAULT_APP_SECRET",
                        secret,
                        "SOKETI_METRICS_ENABLED",
                        "false"),
                line -> line.contains("Server is up and running"),
                log);
    }
}
