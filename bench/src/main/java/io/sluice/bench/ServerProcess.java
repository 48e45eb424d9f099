package io.sluice.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under measurement in a JVM of its own, on a classpath of its own (websocket-sink's:
 * Jetty 12 and slf4j 2, which cannot share the benchmark's Flink classpath), so that its CPU time
 * and heap are its alone; or any other server program (Soketi). Its standard error goes to a log
 * file.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private final String name;
    private final Process process;

    private ServerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code java jvmOptions -cp classpath mainClass args} and waits until it prints a line
     * starting with {@code readyPrefix}.
     */
    static ServerProcess start(
            String name,
            List<String> jvmOptions,
            String classpath,
            String mainClass,
            List<String> args,
            String readyPrefix,
            File log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + "/bin/java");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        // as websocket-sink/bin/websocket-sink runs it: two malloc arenas, not one per thread
        return start(
                name,
                command,
                Map.of("MALLOC_ARENA_MAX", "2"),
                l -> l.startsWith(readyPrefix),
                log);
    }

    /**
     * Starts any server program with these variables added to its environment, and waits until a
     * line of its standard output is {@code ready}; its standard error goes to the log.
     */
    static ServerProcess start(
            String name,
            List<String> command,
            Map<String, String> env,
            Predicate<String> ready,
            File log)
            throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log));
        env.forEach(pb.environment()::putIfAbsent);
        Process process = pb.start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !ready.test(line)) {
            // start-up chatter
        }
        if (line == null) {
            process.destroy();
            throw new IOException(name + " ended before it was ready; see " + log);
        }
        Thread drain =
                new Thread(
                        () -> {
                            try {
                                while (out.readLine() != null) {
                                    // keep its stdout from filling up
                                }
                            } catch (IOException ignored) {
                                // it ended
                            }
                        },
                        name + "-stdout");
        drain.setDaemon(true);
        drain.start();
        return new ServerProcess(name, process);
    }

    /**
     * websocket-sink ({@code WebSocketSinkCommand}) on 127.0.0.1:port with the benchmarks' app and
     * Redis, no connection limit that a benchmark reaches, and every {@code --server.KEY VALUE} of
     * the benchmark's flags as a key of conf/sluice.properties.
     */
    static ServerProcess webSocketSink(
            int port,
            String redisUrl,
            List<String> jvmOptions,
            String classpath,
            Map<String, String> flags,
            File log)
            throws IOException {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--host",
                                "127.0.0.1",
                                "--port",
                                Integer.toString(port),
                                "--redis-url",
                                redisUrl,
                                "--app-id",
                                FanoutPublisher.APP_ID,
                                "--app-key",
                                FanoutPublisher.APP_KEY,
                                "--app-secret",
                                FanoutPublisher.APP_SECRET,
                                "--max-connections",
                                "100000"));
        flags.forEach(
                (k, v) -> {
                    if (k.startsWith("server.")) {
                        args.add("--" + k.substring("server.".length()) + "=" + v);
                    }
                });
        return start(
                "websocket-sink",
                jvmOptions,
                classpath,
                "io.sluice.websocket.WebSocketSinkCommand",
                args,
                "websocket-sink:",
                log);
    }

    /** bench/target, where the benchmarks' classes are: their logs and scratch folders go there. */
    static Path benchTarget() {
        try {
            return Path.of(
                            ServerProcess.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI())
                    .getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port free at the moment, for a server to listen on. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    /** Its CPU time so far, all threads, in seconds: {user, system}. */
    double[] cpuSeconds() {
        return ProcCpu.userSystemSeconds(process.pid());
    }

    /**
     * Its heap in use right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), in
     * bytes.
     */
    long heapAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        // G1 prints one "used" for the heap; Serial and Parallel one per generation. Metaspace,
        // printed after them, is not heap.
        int metaspace = info.indexOf("Metaspace");
        Matcher m = HEAP_USED.matcher(metaspace < 0 ? info : info.substring(0, metaspace));
        long used = 0;
        boolean found = false;
        while (m.find()) {
            used += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new IOException("no 'used NK' in jcmd GC.heap_info of " + name);
        }
        return used * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(
                                System.getProperty("java.home") + "/bin/jcmd",
                                Long.toString(process.pid()),
                                command)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + command + " failed on " + name + ": " + out);
        }
        return out;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: websocket-sink closes its clients with 4200 and stops
        ServicesProcess.awaitExit(process);
    }
}
