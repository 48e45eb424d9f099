package io.sluice.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Embedded services in a JVM of their own (io.sluice.local.LocalServicesMain), so that a benchmark
 * does not share its heap, its GC or its JIT with the broker it measures against.
 */
public final class ServicesProcess implements AutoCloseable {
    private final Process process;
    private final Map<String, String> addresses;

    private ServicesProcess(Process process, Map<String, String> addresses) {
        this.process = process;
        this.addresses = addresses;
    }

    /** Starts the named services (kafka, postgres, redis) and waits until they are ready. */
    public static ServicesProcess start(String heap, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + "/bin/java");
        command.add("-Xmx" + heap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.sluice.local.LocalServicesMain");
        command.addAll(List.of(arguments));
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> addresses = new LinkedHashMap<>();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                addresses.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (line == null) {
            process.destroy();
            throw new IOException("the services process ended before it was ready");
        }
        return new ServicesProcess(process, addresses);
    }

    /** An address by its configuration key, like kafka.bootstrap.servers. */
    public String address(String key) {
        String value = addresses.get(key);
        if (value == null) {
            throw new IllegalStateException("the services process did not report " + key);
        }
        return value;
    }

    /** The PID of the redis-server it runs, to read its CPU time; -1 when it runs none. */
    public long redisServerPid() {
        return process.descendants()
                .filter(p -> p.info().command().orElse("").contains("redis-server"))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElse(-1);
    }

    /** The process id, to read its CPU time from /proc. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close(); // end-of-file on its stdin: it stops and cleans up
        awaitExit(process);
    }

    /** Waits up to 30 s for a process that was asked to stop, then kills it. */
    static void awaitExit(Process process) {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
