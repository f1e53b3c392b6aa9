package io.pathprobe.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP listener for tests, in a lab node's namespace ({@link Node#listenTcp}) or on this host, e.g. on a
 * loopback address ({@link #onLoopback}, {@link #readingToEnd}). It accepts each connection, optionally writes a
 * banner, and closes it at once or, when reading to the end, once the client has closed (or reset) its side. It
 * counts the connections accepted and finished and records their peers. Closed with its lab or by
 * {@link #close()}.
 */
public final class TcpListener implements AutoCloseable {
    /** Large, so bursts of probe connects are not refused by a full queue (the kernel caps it at somaxconn). */
    private static final int BACKLOG = 4096;
    /** A client reading-to-end waits for that says nothing this long is given up on (the loop moves on). */
    private static final int READ_TIMEOUT_MILLIS = 5000;

    private final ServerSocket socket;
    private final byte[] banner;
    private final boolean readToEnd;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final List<InetAddress> peers = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private TcpListener(ServerSocket socket, byte[] banner, boolean readToEnd, String namespace) {
        this.socket = socket;
        this.banner = banner;
        this.readToEnd = readToEnd;
        // The socket already lives in the namespace, so the accept loop may run on any thread.
        this.acceptor = new Thread(this::acceptLoop, "netlab-listen-" + namespace + "-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A listener in this process's own network namespace (e.g. on loopback); port 0 picks a free one. */
    public static TcpListener onHost(InetAddress address, int port) throws IOException {
        return new TcpListener(bind(address, port), null, false, "host");
    }

    /** A listener on a free port of {@code literal} (e.g. {@code "127.0.0.1"}, {@code "::1"}) that closes at once. */
    public static TcpListener onLoopback(String literal) throws IOException {
        return onHost(InetAddress.getByName(literal), 0);
    }

    /**
     * A listener on a free port of {@code address} that writes {@code banner} (none when null) to each connection
     * and then closes it at once ({@code closeAfterBanner}) or reads until the client closes.
     */
    public static TcpListener withBanner(InetAddress address, byte[] banner, boolean closeAfterBanner)
            throws IOException {
        return new TcpListener(bind(address, 0), banner == null ? null : banner.clone(), !closeAfterBanner, "host");
    }

    /** A listener on a free port of {@code address} that reads each connection until the client closes it. */
    public static TcpListener readingToEnd(InetAddress address) throws IOException {
        return withBanner(address, null, false);
    }

    /** A port of {@code address} that nothing listens on now: one the kernel just handed out, closed again. */
    public static int closedPort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, 0));
            return s.getLocalPort();
        }
    }

    /** Like {@link #closedPort(InetAddress)} for an address literal. */
    public static int closedPort(String literal) throws IOException {
        return closedPort(InetAddress.getByName(literal));
    }

    /** Whether this host has a working {@code ::1}. */
    public static boolean hasIpv6Loopback() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static ServerSocket bind(InetAddress address, int port) throws IOException {
        ServerSocket ss = new ServerSocket();
        try {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(address, port), BACKLOG);
            return ss;
        } catch (IOException e) {
            ss.close();
            throw e;
        }
    }

    static TcpListener open(Node node, InetAddress address, int port, String banner) throws Exception {
        ServerSocket s = node.call(() -> bind(address, port));
        return new TcpListener(s, banner == null ? null : banner.getBytes(StandardCharsets.UTF_8), false,
                node.namespace());
    }

    /** The address and port listened on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The port listened on (the one chosen by the kernel when 0 was asked for). */
    public int port() {
        return socket.getLocalPort();
    }

    /** How many connections were accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** How many connections this side has closed so far. */
    public int finished() {
        return finished.get();
    }

    /** The peer address of each accepted connection, in order. */
    public List<InetAddress> peers() {
        return peers;
    }

    /** Waits (polling, at most {@code max}) until {@code n} connections were accepted; whether they were. */
    public boolean awaitAccepted(int n, Duration max) throws InterruptedException {
        return await(accepted, n, max);
    }

    /** Waits (polling, at most {@code max}) until this side has closed {@code n} connections; whether it has. */
    public boolean awaitFinished(int n, Duration max) throws InterruptedException {
        return await(finished, n, max);
    }

    private static boolean await(AtomicInteger count, int n, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (count.get() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return count.get() >= n;
    }

    private void acceptLoop() {
        byte[] sink = readToEnd ? new byte[512] : null;
        while (!socket.isClosed()) {
            try (Socket c = socket.accept()) {
                accepted.incrementAndGet();
                peers.add(c.getInetAddress());
                try {
                    if (banner != null) {
                        OutputStream out = c.getOutputStream();
                        out.write(banner);
                        out.flush();
                    }
                    if (readToEnd) {
                        c.setSoTimeout(READ_TIMEOUT_MILLIS);
                        InputStream in = c.getInputStream();
                        while (in.read(sink) >= 0) {
                            // discard until the client closes
                        }
                    }
                } catch (IOException e) {
                    // a peer that went away or reset (abortive close): the connection is over all the same
                }
            } catch (IOException e) {
                continue; // the listener closing (the loop condition ends it)
            }
            finished.incrementAndGet();
        }
    }

    /** Stops listening (waits at most 5 s for the accept thread, which may be reading a connection). */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
