package io.sluice.bench;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issue 4's baseline: a bare Jetty WebSocket broadcast, no protocol. It runs in a JVM of its own
 * with websocket-sink's classpath, its thread pool and its WebSocket limits.
 *
 * <p>A client connects to {@code /bare/{group}} and gets the text {@code subscribed} once it is in
 * the group. The load generator's publisher holds one connection to {@code /control} and sends
 * {@code group\nframe}; the frame's bytes are made once and written to every connection of the
 * group as a ready-made text frame, on the control connection's thread, as websocket-sink's stream
 * reader writes its frames (through the core session, no queue, no encoding per client).
 *
 * <pre>java -cp ... io.sluice.bench.BareBroadcastServer PORT</pre>
 */
public final class BareBroadcastServer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Map<Integer, Set<CoreSession>> groups = new ConcurrentHashMap<>();

        Server server = new Server(new QueuedThreadPool(200, 8, 60_000)); // as websocket-sink's
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(
                WebSocketUpgradeHandler.from(
                        server,
                        container -> {
                            container.setMaxTextMessageSize(64 * 1024);
                            container.setIdleTimeout(
                                    Duration.ofSeconds(
                                            180)); // websocket-sink: activity + pong timeouts + 30
                            // s
                            container.addMapping(
                                    "/bare/*",
                                    (request, response, callback) -> {
                                        response.setExtensions(
                                                java.util.List
                                                        .of()); // no per-message compression, as
                                        // websocket-sink
                                        String path = Request.getPathInContext(request);
                                        return new Member(
                                                groups,
                                                Integer.parseInt(
                                                        path.substring(path.lastIndexOf('/') + 1)));
                                    });
                            container.addMapping(
                                    "/control",
                                    (request, response, callback) -> new Control(groups));
                        }));
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("bare-broadcast: ready on port " + connector.getLocalPort());
        server.join();
    }

    /** A client in a group (public: Jetty calls endpoints through public method handles). */
    public static final class Member implements Session.Listener.AutoDemanding {
        private final Map<Integer, Set<CoreSession>> groups;
        private final int group;
        private CoreSession core;

        Member(Map<Integer, Set<CoreSession>> groups, int group) {
            this.groups = groups;
            this.group = group;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            core = ((WebSocketSession) session).getCoreSession();
            groups.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet()).add(core);
            session.sendText("subscribed", org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            Set<CoreSession> members = groups.get(group);
            if (members != null && core != null) {
                members.remove(core);
            }
        }
    }

    /** The publisher's connection: each message is a group and a frame to send to all of it. */
    public static final class Control implements Session.Listener.AutoDemanding {
        private final Map<Integer, Set<CoreSession>> groups;

        Control(Map<Integer, Set<CoreSession>> groups) {
            this.groups = groups;
        }

        @Override
        public void onWebSocketText(String message) {
            int nl = message.indexOf('\n');
            Set<CoreSession> members = groups.get(Integer.parseInt(message.substring(0, nl)));
            if (members == null) {
                return;
            }
            byte[] frame = message.substring(nl + 1).getBytes(StandardCharsets.UTF_8);
            for (CoreSession member : members) {
                member.sendFrame(
                        new Frame(OpCode.TEXT, ByteBuffer.wrap(frame)), Callback.NOOP, false);
            }
        }
    }

    private BareBroadcastServer() {}
}
