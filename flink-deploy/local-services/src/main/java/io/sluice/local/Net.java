package io.sluice.local;

import io.sluice.update.RedisClients;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Ports and addresses: free ports for embedded services, reachability of real ones. */
public final class Net {
    /**
     * Embedded services listen on the loopback interface only: nothing outside the machine sees
     * them.
     */
    static final String LOOPBACK = "127.0.0.1";

    private Net() {}

    /**
     * A port that was free a moment ago (the OS picks it), for servers that cannot bind port 0
     * themselves.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new ServiceStartException("No free port could be found on " + LOOPBACK + ".", e);
        }
    }

    /** True if a server could listen on this loopback port now. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails with a clear message if an explicitly chosen port is taken. */
    static void requireFree(String what, int port) {
        if (!isFree(port)) {
            throw portInUse(what, port, null);
        }
    }

    /**
     * Fails with a clear message if a server could not listen on host:port now: what wants it, and
     * what to do instead.
     */
    public static void requireFree(String what, String host, int port, String hint) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ServiceStartException(
                    what
                            + " cannot listen on "
                            + host
                            + ":"
                            + port
                            + " because the port is already in use; "
                            + hint,
                    e);
        }
    }

    static ServiceStartException portInUse(String what, int port, Throwable cause) {
        return new ServiceStartException(
                what
                        + " cannot listen on "
                        + LOOPBACK
                        + ":"
                        + port
                        + " because the port is already in use.",
                cause);
    }

    static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null
                            && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /** Null if a TCP connection to host:port opens within the timeout, else why not. */
    static String unreachableReason(String host, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return null;
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** Host and port of "host:port", "[v6]:port" or "host" (then the default port). */
    static InetSocketAddress hostAndPort(String address, int defaultPort) {
        String a = address.trim();
        String host = a;
        int port = defaultPort;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            host = a.substring(1, end);
            if (a.length() > end + 2 && a.charAt(end + 1) == ':') {
                port = Integer.parseInt(a.substring(end + 2));
            }
        } else if (a.indexOf(':') >= 0 && a.indexOf(':') == a.lastIndexOf(':')) {
            host = a.substring(0, a.indexOf(':'));
            port = Integer.parseInt(a.substring(a.indexOf(':') + 1));
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The servers of a Kafka bootstrap list "h1:9092,h2:9092". */
    static List<InetSocketAddress> kafkaServers(String bootstrapServers) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String item : bootstrapServers.split(",")) {
            if (!item.isBlank()) {
                servers.add(hostAndPort(item, 9092));
            }
        }
        return servers;
    }

    /**
     * The servers of a PostgreSQL JDBC URL (jdbc:postgresql://h1[:port][,h2[:port]]/db?...); an
     * empty list for other drivers or forms this does not understand, which are then not checked.
     */
    static List<InetSocketAddress> postgresServers(String jdbcUrl) {
        String prefix = "jdbc:postgresql://";
        List<InetSocketAddress> servers = new ArrayList<>();
        if (!jdbcUrl.startsWith(prefix)) {
            return servers;
        }
        String rest = jdbcUrl.substring(prefix.length());
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String hosts = rest.substring(0, end);
        if (hosts.isEmpty()) {
            servers.add(InetSocketAddress.createUnresolved("localhost", 5432));
            return servers;
        }
        for (String item : hosts.split(",")) {
            servers.add(hostAndPort(item, 5432));
        }
        return servers;
    }

    /** The servers of redis.url: one URL, or the nodes of a Redis Cluster, comma-separated. */
    static List<InetSocketAddress> redisServers(String redisUrl) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (URI uri : RedisClients.urls(redisUrl)) {
            servers.add(
                    InetSocketAddress.createUnresolved(
                            uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()));
        }
        return servers;
    }
}
