package io.pathprobe.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP listener on a loopback address that accepts and closes every connection, until closed. */
final class LoopbackListener implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private final AtomicInteger accepted = new AtomicInteger();

    LoopbackListener(String loopbackLiteral) throws IOException {
        socket = new ServerSocket(0, 128, InetAddress.getByName(loopbackLiteral));
        acceptor = new Thread(this::acceptAll, "test-listener-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Ends when the socket is closed: accept() then throws. */
    private void acceptAll() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                accepted.incrementAndGet();
                s.shutdownOutput();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Waits (polling, bounded by {@code timeoutMillis}) until {@code n} connections were accepted. */
    boolean awaitAccepted(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (accepted.get() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** A loopback port with no listener: one the kernel just handed out, closed again. */
    static int closedPort(String loopbackLiteral) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(loopbackLiteral))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
