package io.pathprobe.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener inside a node's namespace that accepts each connection, optionally writes a banner, and closes
 * it. Made by {@link Node#listenTcp}; closed with its lab or by {@link #close()}.
 */
public final class TcpListener implements AutoCloseable {
    /** Large, so bursts of probe connects are not refused by a full queue (the kernel caps it at somaxconn). */
    private static final int BACKLOG = 4096;

    private final ServerSocket socket;
    private final byte[] banner;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    private TcpListener(ServerSocket socket, String banner, String namespace) {
        this.socket = socket;
        this.banner = banner == null ? null : banner.getBytes(StandardCharsets.UTF_8);
        // The socket already lives in the namespace, so the accept loop may run on any thread.
        this.acceptor = new Thread(this::acceptLoop, "netlab-listen-" + namespace + "-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A listener in this process's own network namespace (e.g. on loopback); port 0 picks a free one. */
    public static TcpListener onHost(InetAddress address, int port) throws IOException {
        return new TcpListener(bind(address, port), null, "host");
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
        return new TcpListener(s, banner, node.namespace());
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

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket c = socket.accept()) {
                accepted.incrementAndGet();
                if (banner != null) {
                    OutputStream out = c.getOutputStream();
                    out.write(banner);
                    out.flush();
                }
            } catch (IOException e) {
                // a peer that went away, or the listener closing (the loop condition ends it)
            }
        }
    }

    /** Stops listening (waits at most 2 s for the accept thread). */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
