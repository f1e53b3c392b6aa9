package io.pathprobe.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A loopback listener that accepts and closes as fast as one thread can, like the accept loop of the C ceiling
 * (tcpceil): the server side must never be what limits a connect benchmark. Backlog as large as the kernel allows.
 */
final class LoopbackAcceptor implements AutoCloseable {
    /**
     * Accepting threads of the connect benchmarks. Two: with connects on both of the engine's loops one Java thread
     * accepted fewer a second than they completed, the listen queue (net.core.somaxconn, 4096 here) overflowed, and
     * the dropped handshakes came back after the 1 s SYN retransmission, stalling a whole batch (a few hundred timed
     * out at 2 s in some iterations): the run measured the acceptor.
     */
    static final int THREADS = 2;

    private final ServerSocketChannel server;
    private final Thread[] threads;

    LoopbackAcceptor(int threadCount) throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 65_535);
        threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++) {
            threads[i] = new Thread(this::acceptLoop, "acceptor-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    int port() {
        return server.socket().getLocalPort();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                // accept-and-close: the probe has what it measures (the handshake) before accept() returns
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
