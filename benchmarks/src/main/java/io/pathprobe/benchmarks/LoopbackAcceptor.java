package io.pathprobe.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A loopback listener that accepts and closes as fast as its threads can, like the accept loop of the C ceiling
 * (connceil): the server side must never be what limits a connect benchmark. Each thread has a listening socket of
 * its own on the one port ({@code SO_REUSEPORT}: the kernel spreads the connects over them), so each has a listen
 * queue of its own (backlog as large as the kernel allows) and no thread waits on another's accept.
 */
final class LoopbackAcceptor implements AutoCloseable {
    /**
     * Accepting threads of the connect benchmarks. Two: with connects on both of the engine's loops one Java thread
     * accepted fewer a second than they completed, the listen queue (net.core.somaxconn, 4096 here) overflowed, and
     * the dropped handshakes came back after the 1 s SYN retransmission, stalling a whole batch (a few hundred timed
     * out at 2 s in some iterations): the run measured the acceptor.
     */
    static final int THREADS = 2;

    private final ServerSocketChannel[] servers;
    private final Thread[] threads;

    LoopbackAcceptor(int threadCount) throws IOException {
        servers = new ServerSocketChannel[threadCount];
        threads = new Thread[threadCount];
        int port = 0;
        for (int i = 0; i < threadCount; i++) {
            ServerSocketChannel server = ServerSocketChannel.open();
            servers[i] = server;
            server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 65_535);
            port = server.socket().getLocalPort();
            threads[i] = new Thread(() -> acceptLoop(server), "acceptor-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    int port() {
        return servers[0].socket().getLocalPort();
    }

    private static void acceptLoop(ServerSocketChannel server) {
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
        for (ServerSocketChannel server : servers) {
            server.close();
        }
    }
}
