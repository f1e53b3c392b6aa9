package io.pathprobe.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP listener on a loopback address for tests: accepts, optionally writes a banner, then reads until the
 * client closes (or resets) and closes its side. Counts the connections it finished and records their peers.
 */
final class LoopbackServer implements AutoCloseable {
    private final ServerSocket server;
    private final byte[] banner;
    private final boolean closeAfterBanner;
    private final AtomicInteger finished = new AtomicInteger();
    private final List<InetAddress> peers = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private LoopbackServer(InetAddress address, int backlog, byte[] banner, boolean closeAfterBanner)
            throws IOException {
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(address, 0), backlog);
        this.banner = banner;
        this.closeAfterBanner = closeAfterBanner;
        this.thread = new Thread(this::serve, "loopback-server-" + server.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** Accept-read-close server on {@code address}. */
    static LoopbackServer start(InetAddress address) throws IOException {
        return new LoopbackServer(address, 4096, null, false);
    }

    /** A server that greets every client with {@code banner}, then closes if {@code close}, else reads to EOF. */
    static LoopbackServer withBanner(InetAddress address, byte[] banner, boolean close) throws IOException {
        return new LoopbackServer(address, 50, banner, close);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections the server has closed. */
    int finished() {
        return finished.get();
    }

    List<InetAddress> peers() {
        return peers;
    }

    /** Waits (at most {@code maxMillis}) until the server has closed {@code n} connections; true if it did. */
    boolean awaitFinished(int n, long maxMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (finished.get() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return finished.get() >= n;
    }

    private void serve() {
        byte[] sink = new byte[512];
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                peers.add(s.getInetAddress());
                s.setSoTimeout(5000);
                try {
                    if (banner != null) {
                        s.getOutputStream().write(banner);
                        s.getOutputStream().flush();
                    }
                    if (!closeAfterBanner) {
                        InputStream in = s.getInputStream();
                        while (in.read(sink) >= 0) {
                            // discard until the client closes
                        }
                    }
                } catch (IOException e) {
                    // reset by the client (abortive close): the connection is over all the same
                }
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                continue;
            }
            finished.incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A loopback port nothing listens on now: bound, then closed. */
    static int closedPort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, 0));
            return s.getLocalPort();
        }
    }

    /** Whether this host has a working ::1. */
    static boolean hasIpv6Loopback() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
