package io.sluice.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The lean load generator ({@code --client raw}): the same clients as {@link FanoutClients}, with
 * the same accounting ({@link FanoutClients.Client}), over plain non-blocking SocketChannels on one
 * selector thread (or a few). The HTTP/1.1 upgrade is written by hand (a fixed Sec-WebSocket-Key;
 * the 101 status line is checked), client frames are masked (RFC 6455), and server frames are
 * parsed in place from one direct read buffer per selector thread, a frame split across reads kept
 * in a small per-connection remainder. A data frame is scanned in place for {@code s} and {@code
 * p}: no String, no JSON, no allocation per frame. Other text frames (subscription replies,
 * pusher:ping) are decoded and handled as the Jetty clients do; ping frames get a pong, close
 * frames a close.
 */
final class RawFanoutClients implements FanoutClients.Opener, AutoCloseable {
    private static final byte[] DATA = ascii(FanoutClients.DATA_PREFIX);
    private static final byte[] S = ascii(FanoutClients.S_KEY);
    private static final byte[] P = ascii(FanoutClients.P_KEY);
    private static final byte[] END_OF_HEADERS = ascii("\r\n\r\n");
    private static final byte[] SWITCHING = ascii("HTTP/1.1 101 ");
    private static final int READ_BUFFER = 256 * 1024;

    private final Loop[] loops;
    private int next;

    RawFanoutClients(int threads) throws IOException {
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop("raw-client-" + i);
            loops[i].thread.start();
        }
    }

    int threads() {
        return loops.length;
    }

    @Override
    public FanoutClients.Round connect(
            FanoutClients.Target target,
            int k,
            int groups,
            int messages,
            long base,
            int parallel,
            Duration timeout)
            throws Exception {
        FanoutClients.Round round = new FanoutClients.Round(k, messages, base, parallel);
        for (int i = 0; i < k; i++) {
            round.acquire(i, timeout);
            int group = i % groups;
            Loop loop = loops[next++ % loops.length];
            Conn c =
                    new Conn(
                            round,
                            target.subscribe().apply(group),
                            loop,
                            target.uri().apply(group));
            round.clients.add(c);
            loop.submit(c::open);
        }
        round.awaitSubscribed(timeout);
        return round;
    }

    @Override
    public void close() throws InterruptedException {
        for (Loop loop : loops) {
            loop.running = false;
            loop.selector.wakeup();
        }
        for (Loop loop : loops) {
            loop.thread.join(10_000);
        }
    }

    /** One selector thread, its connections and its read buffer. */
    private static final class Loop implements Runnable {
        final Selector selector;
        final Thread thread;
        final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        volatile boolean running = true;

        Loop(String name) throws IOException {
            selector = Selector.open();
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        void submit(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    selector.select(key -> ((Conn) key.attachment()).ready(key), 1000);
                    for (Runnable t; (t = tasks.poll()) != null; ) {
                        t.run();
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    try {
                        key.channel().close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** One connection; all its work happens on its loop's thread. */
    private static final class Conn extends FanoutClients.Client {
        private final Loop loop;
        private final URI uri;
        private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        private SocketChannel channel;
        private SelectionKey key;
        private byte[] rest = new byte[256];
        private int restLength;
        private boolean upgraded;
        private boolean closeSent;

        Conn(FanoutClients.Round round, String subscribe, Loop loop, URI uri) {
            super(round, subscribe);
            this.loop = loop;
            this.uri = uri;
        }

        void open() {
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
                if (channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()))) {
                    connected();
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        void ready(SelectionKey k) {
            try {
                if (k.isValid() && k.isConnectable()) {
                    channel.finishConnect();
                    connected();
                }
                if (k.isValid() && k.isWritable()) {
                    flush();
                }
                if (k.isValid() && k.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        private void connected() throws IOException {
            key.interestOps(SelectionKey.OP_READ);
            String path =
                    uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            write(
                    ByteBuffer.wrap(
                            ascii(
                                    "GET "
                                            + path
                                            + " HTTP/1.1\r\nHost: "
                                            + uri.getHost()
                                            + ":"
                                            + uri.getPort()
                                            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                            + "Sec-WebSocket-Version: 13\r\n\r\n")));
        }

        private void read() throws IOException {
            ByteBuffer in = loop.in;
            while (true) {
                in.clear();
                in.put(rest, 0, restLength);
                int n = channel.read(in);
                if (n < 0) {
                    in.clear();
                    shut(upgraded ? "closed without a close frame" : "closed during the upgrade");
                    return;
                }
                if (n == 0) {
                    return; // the remainder stays in rest
                }
                in.flip();
                int end = parse(in);
                if (!channel.isOpen()) {
                    return;
                }
                restLength = in.limit() - end;
                if (restLength == in.capacity()) {
                    throw new IOException("a frame larger than the read buffer");
                }
                if (restLength > rest.length) {
                    rest = new byte[Math.max(restLength, 2 * rest.length)];
                }
                in.get(end, rest, 0, restLength);
                if (in.limit() < in.capacity()) {
                    return; // the socket had no more
                }
            }
        }

        /** Handles what is whole in {@code in}; where the unhandled bytes start. */
        private int parse(ByteBuffer in) throws IOException {
            int pos = 0;
            int limit = in.limit();
            if (!upgraded) {
                int eoh = indexOf(in, END_OF_HEADERS, 0, limit);
                if (eoh < 0) {
                    return 0;
                }
                if (!startsWith(in, 0, limit, SWITCHING)) {
                    throw new IOException(
                            "upgrade refused: "
                                    + ascii(in, 0, indexOf(in, END_OF_HEADERS, 0, limit)));
                }
                upgraded = true;
                pos = eoh + END_OF_HEADERS.length;
            }
            while (limit - pos >= 2) {
                int b0 = in.get(pos) & 0xff;
                int b1 = in.get(pos + 1) & 0xff;
                int header = 2;
                long length = b1 & 0x7f;
                if (length == 126) {
                    if (limit - pos < 4) {
                        break;
                    }
                    length = in.getShort(pos + 2) & 0xffff;
                    header = 4;
                } else if (length == 127) {
                    if (limit - pos < 10) {
                        break;
                    }
                    length = in.getLong(pos + 2);
                    header = 10;
                }
                if ((b1 & 0x80) != 0 || length < 0 || length > READ_BUFFER - 16) {
                    throw new IOException(
                            "bad frame header " + b0 + " " + b1 + " length " + length);
                }
                if (limit - pos - header < length) {
                    break;
                }
                int from = pos + header;
                int to = from + (int) length;
                pos = to;
                switch (b0) {
                    case 0x81 -> text(in, from, to);
                    case 0x89 ->
                            write(frame(0xA, bytes(in, from, to))); // ping: pong with its payload
                    case 0x8A -> {} // pong
                    case 0x88 -> {
                        int code = to - from >= 2 ? in.getShort(from) & 0xffff : 1005;
                        if (!closeSent) {
                            closeSent = true;
                            write(frame(0x8, bytes(in, from, Math.min(to, from + 2))));
                        }
                        shut(
                                "closed "
                                        + code
                                        + " "
                                        + new String(
                                                bytes(in, Math.min(to, from + 2), to),
                                                StandardCharsets.UTF_8));
                        return pos;
                    }
                    default ->
                            round.failed(
                                    "unexpected frame: opcode "
                                            + (b0 & 0x0f)
                                            + (b0 < 0x80 ? ", fragmented" : ""));
                }
            }
            return pos;
        }

        private void text(ByteBuffer in, int from, int to) {
            if (!startsWith(in, from, to, DATA)) {
                control(new String(bytes(in, from, to), StandardCharsets.UTF_8));
                return;
            }
            long now = FanoutClients.micros();
            int s = indexOf(in, S, from + DATA.length, to);
            int p = s < 0 ? -1 : indexOf(in, P, s, to);
            if (p < 0) {
                round.failed("a data frame without s or p");
                return;
            }
            data(number(in, s + S.length, to), number(in, p + P.length, to), now);
        }

        @Override
        void send(String text) {
            try {
                write(frame(0x1, text.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                fail(e);
            }
        }

        @Override
        void close() {
            loop.submit(
                    () -> {
                        try {
                            if (channel != null && channel.isOpen() && upgraded && !closeSent) {
                                closeSent = true;
                                write(
                                        frame(
                                                0x8,
                                                new byte[] {
                                                    0x03, (byte) 0xE8
                                                })); // 1000; the server's close frame ends it
                            } else if (!closeSent) {
                                shut("closed");
                            }
                        } catch (IOException e) {
                            fail(e);
                        }
                    });
        }

        private void write(ByteBuffer b) throws IOException {
            if (out.isEmpty()) {
                channel.write(b);
                if (!b.hasRemaining()) {
                    return;
                }
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
            out.add(b);
        }

        private void flush() throws IOException {
            for (ByteBuffer b; (b = out.peek()) != null; out.poll()) {
                channel.write(b);
                if (b.hasRemaining()) {
                    return;
                }
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        private void fail(Exception e) {
            if (!upgraded) {
                if (channel == null || channel.isOpen()) {
                    closeChannel();
                    round.connectFailed("connect: " + e);
                }
                return;
            }
            if (channel.isOpen()) {
                closeChannel();
                closedBy("error: " + e);
            }
        }

        private void shut(String what) {
            closeChannel();
            closedBy(what);
        }

        private void closeChannel() {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }

    /** A masked frame (RFC 6455 5.3: a client masks every frame). */
    static ByteBuffer frame(int opcode, byte[] payload) {
        int n = payload.length;
        ByteBuffer b = ByteBuffer.allocate(14 + n);
        b.put((byte) (0x80 | opcode));
        if (n < 126) {
            b.put((byte) (0x80 | n));
        } else if (n < 65_536) {
            b.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            b.put((byte) (0x80 | 127)).putLong(n);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        b.putInt(mask);
        for (int i = 0; i < n; i++) {
            b.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
        return b.flip();
    }

    private static boolean startsWith(ByteBuffer in, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (in.get(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ByteBuffer in, byte[] what, int from, int to) {
        byte first = what[0];
        for (int i = from, last = to - what.length; i <= last; i++) {
            if (in.get(i) == first && startsWith(in, i, to, what)) {
                return i;
            }
        }
        return -1;
    }

    private static long number(ByteBuffer in, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int c = in.get(i) - '0';
            if (c < 0 || c > 9) {
                break;
            }
            v = v * 10 + c;
        }
        return v;
    }

    private static byte[] bytes(ByteBuffer in, int from, int to) {
        byte[] b = new byte[to - from];
        in.get(from, b);
        return b;
    }

    private static String ascii(ByteBuffer in, int from, int to) {
        return new String(bytes(in, from, Math.max(from, to)), StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
