package io.pathprobe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The training run of the package step's class-data archive: the commands a user starts most, once each, on
 * loopback, so that the JVM records the classes they load (and on JDK 25+ how they link and run, and the method
 * profiles of a fast many-target ping, which the JIT then starts from). Output is
 * discarded and failures are ignored: a build without the privileges for ICMP still archives everything up to the
 * point where the probe was refused. Not part of the tool's interface.
 */
final class ClassDataTraining {
    private ClassDataTraining() {
    }

    public static void main(String[] args) throws IOException {
        Main.warmNativeLayer(args); // main's own start (the runs below enter through Main.run), so its lambda is archived
        int port = closedLoopbackPort();
        String closed = String.valueOf(port);
        // A sweep's range starts at a listening port, so that the classes of a connected port's outcome come from
        // the archive too (a sweep that finds an open port loaded them from the jar, on an event loop, mid-sweep).
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int first = Math.min(open.getLocalPort(), 65535 - 31);
            String sweep = first + "-" + (first + 31);
            String[][] runs = {
                {"ping", "-c", "1", "-W", "1", "127.0.0.1"},
                {"ping", "-q", "-c", "2", "-i", "0.01", "-W", "1", "127.0.0.1", "127.0.0.2"},
                // The many-target hot path long enough for its profiles (JDK 25 archives them, JEP 515): 254,000
                // echoes on loopback, about a second, at most 5 s. Refused without root (an interval below 2 ms),
                // like ping.
                {"ping", "-q", "-c", "1000", "-i", "0.000001", "-W", "1", "-w", "5", "127.0.1.0/24"},
                {"tcp", "-c", "1", "-p", closed, "127.0.0.1"},
                {"tcp", "--json", "-c", "1", "-p", closed, "127.0.0.1"},
                // A sweep (over 25 pairs): its own classes and its report's, which a single port never loads (they
                // came from the jar, verified, at each sweep's start and end).
                {"tcp", "-c", "1", "-p", sweep, "127.0.0.1"},
                {"tcp", "--json", "-c", "1", "-p", sweep, "127.0.0.1"},
                {"mtr", "-r", "-n", "-c", "1", "127.0.0.1"},
                {"mtr", "-r", "-n", "-c", "1", "--udp", "127.0.0.1"},
                {"ping", "--help"},
            };
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            for (String[] run : runs) {
                try {
                    Main.run(run, discard, discard);
                } catch (RuntimeException | LinkageError e) {
                    // a command this build cannot run (e.g. no ICMP socket): what it loaded so far is recorded anyway
                }
            }
        }
    }

    /** A loopback port with nothing listening: bound for a moment, then let go (a refused connect is a result). */
    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
