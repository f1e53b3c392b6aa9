package io.pathprobe.testkit;

import io.pathprobe.testkit.internal.Commands;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code nats-server} (Debian package {@code nats-server}) for the fleet tests: started with pathprobe's
 * shipped configuration ({@code probe-fleet/config}: {@code nats-server.conf} and the users that
 * {@code fleet-users.sh} writes), on loopback or inside a lab namespace, killed at {@link #close()}. It can be
 * stopped and started again on the same port (a broker restart).
 */
public final class NatsServer implements AutoCloseable {
    private final Path dir;
    private final List<String> prefix;
    private final String host;
    private final int port;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private Process process;

    private NatsServer(Path dir, List<String> prefix, String host, int port) {
        this.dir = dir;
        this.prefix = prefix;
        this.host = host;
        this.port = port;
    }

    /** The nats-server binary; without it the test is skipped (failed under CI), naming the package. */
    public static Path binary() {
        return Installed.program("nats-server", "nats-server");
    }

    /**
     * Copies the shipped {@code nats-server.conf} from {@code shipped} into {@code dir} and runs the shipped
     * {@code fleet-users.sh} there for {@code users} ({@code coordinator}, {@code NAME[:GROUP]}...): then
     * {@code dir/NAME.auth} is each user's auth file.
     */
    public static Path configure(Path shipped, Path dir, String... users) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.copy(shipped.resolve("nats-server.conf"), dir.resolve("nats-server.conf"),
                StandardCopyOption.REPLACE_EXISTING);
        List<String> cmd = new ArrayList<>(List.of("bash", shipped.resolve("fleet-users.sh").toString(),
                dir.toString()));
        cmd.addAll(List.of(users));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("fleet-users.sh failed: " + out);
        }
        return dir;
    }

    /** A free TCP port on loopback (for a broker on loopback). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the broker configured in {@code dir} on {@code host:port} of this namespace. */
    public static NatsServer start(Path dir, String host, int port) throws IOException, InterruptedException {
        NatsServer s = new NatsServer(dir, List.of(), host, port);
        s.start();
        return s;
    }

    /** Starts the broker configured in {@code dir} inside {@code node}'s namespace, on {@code host:port}. */
    public static NatsServer startIn(Node node, Path dir, String host, int port)
            throws IOException, InterruptedException {
        NatsServer s = new NatsServer(dir, List.of(node.lab().ipPath(), "netns", "exec", node.namespace()), host,
                port);
        s.start();
        return s;
    }

    /** Starts it (again); waits until it accepts connections. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(binary().toString(), "-c", dir.resolve("nats-server.conf").toString(), "-a", host, "-p",
                Integer.toString(port)));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Process p = process;
        ProcessOutput.follow(p.getInputStream(), log, "nats-server-log");
        for (int i = 0; i < 100; i++) {
            if (log.stream().anyMatch(l -> l.contains("Server is ready"))) {
                return;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("nats-server exited " + p.exitValue() + ": " + log);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("nats-server did not start in 10 s: " + log);
    }

    /** Kills it ({@code kill -9}): its clients see the connection drop and reconnect when it is back. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            log.add("--- killed by the test");
        }
    }

    public URI url() {
        return URI.create("nats://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    /** Its log lines (permission violations are logged as errors). */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** The auth file of {@code user}, written by {@link #configure}. */
    public Path auth(String user) {
        return dir.resolve(user + ".auth");
    }

    /** Whether it accepts TCP connections now (from this namespace). */
    public boolean accepting() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
