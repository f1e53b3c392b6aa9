package io.pathprobe.cli;

import io.pathprobe.core.AddressText;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;

/**
 * {@code pathprobe demo}: listens on a loopback port, then runs {@code pathprobe tcp} against it and against a
 * loopback port where nothing listens, so a newcomer sees connected and refused lines with no setup.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Probe a listener started here on 127.0.0.1 and a closed loopback port: shows connected and "
                + "refused lines, with no setup and no traffic leaving this host.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        InetAddress loopback = AddressText.parse("127.0.0.1");
        PrintWriter out = spec.commandLine().getOut();
        try (ServerSocket listener = new ServerSocket(0, 50, loopback)) {
            Thread acceptor = new Thread(() -> acceptAll(listener), "pathprobe-demo-listener");
            acceptor.setDaemon(true);
            acceptor.start();
            int closed = closedPort(loopback);
            String open = "127.0.0.1:" + listener.getLocalPort();
            String shut = "127.0.0.1:" + closed;
            out.println("demo: listening on " + open + "; nothing listens on " + shut);
            out.println("demo: pathprobe tcp -c 3 -i 0.2 " + open + " " + shut);
            out.println();
            out.flush();
            int rc = Main.commandLine(out, spec.commandLine().getErr())
                    .execute("tcp", "-c", "3", "-i", "0.2", open, shut);
            // The refused port makes tcp exit 1: that is the point of the demo, not a failure of it.
            return rc >= Main.USAGE ? rc : 0;
        }
    }

    private static void acceptAll(ServerSocket listener) {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                s.shutdownOutput(); // nothing to say
            } catch (IOException closedOrFailed) {
                return;
            }
        }
    }

    /** A loopback port nothing listens on: one the kernel just gave us, closed again. */
    private static int closedPort(InetAddress loopback) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
            return s.getLocalPort();
        }
    }
}
