package io.pathprobe.ticket.lab;

import io.pathprobe.core.internal.nativeio.NetworkNamespaces;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small namespace lab for the ticket scenarios: named namespaces joined by veth pairs, routes, nft rules, and TCP
 * listeners inside namespaces. Everything it creates is deleted by {@link #close()}. (A stand-in until the testkit's
 * NetLab is on main.)
 */
final class MiniLab implements AutoCloseable {
    private final String prefix = "pt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final List<String> namespaces = new ArrayList<>();
    private final List<ServerSocket> servers = new ArrayList<>();
    private int links;

    static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").start();
            return "0".equals(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim())
                    && Files.isDirectory(Path.of("/proc/sys/net"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates namespace {@code name} (made unique per lab) with loopback up; routers forward. */
    String ns(String name, boolean router) throws Exception {
        String n = prefix + "-" + name;
        run("ip", "netns", "add", n);
        namespaces.add(n);
        run("ip", "-n", n, "link", "set", "lo", "up");
        if (router) {
            sysctl(n, "net.ipv4.ip_forward=1");
            sysctl(n, "net.ipv4.icmp_ratelimit=0"); // every probe answered: loss in the lab is only what we add
        }
        return n;
    }

    /** A veth pair between {@code a} (address {@code addrA}/24) and {@code b} ({@code addrB}/24). */
    void link(String a, String addrA, String b, String addrB) throws Exception {
        String ia = "v" + (++links) + "a";
        String ib = "v" + links + "b";
        run("ip", "link", "add", ia, "netns", a, "type", "veth", "peer", "name", ib, "netns", b);
        run("ip", "-n", a, "addr", "add", addrA + "/24", "dev", ia);
        run("ip", "-n", b, "addr", "add", addrB + "/24", "dev", ib);
        run("ip", "-n", a, "link", "set", ia, "up");
        run("ip", "-n", b, "link", "set", ib, "up");
    }

    void route(String ns, String dest, String via) throws Exception {
        run("ip", "-n", ns, "route", "add", dest, "via", via);
    }

    void sysctl(String ns, String setting) throws Exception {
        run("ip", "netns", "exec", ns, "sysctl", "-qw", setting);
    }

    /** Loads an nft ruleset (text) into {@code ns}. */
    void nft(String ns, String rules) throws Exception {
        Path f = Files.createTempFile("pt-nft", ".nft");
        try {
            Files.writeString(f, rules);
            run("ip", "netns", "exec", ns, "nft", "-f", f.toString());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** A TCP listener on {@code addr:port} inside {@code ns} that accepts and holds every connection. */
    void listen(String ns, String addr, int port) throws Exception {
        ServerSocket s = NetworkNamespaces.callInNamespace(ns,
                () -> new ServerSocket(port, 512, InetAddress.getByName(addr)));
        servers.add(s);
        Thread t = new Thread(() -> {
            List<Socket> open = new ArrayList<>();
            try {
                while (true) {
                    open.add(s.accept());
                }
            } catch (IOException e) {
                // closed with the lab
            } finally {
                for (Socket c : open) {
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }
        }, "lab-listener-" + ns);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws Exception {
        for (ServerSocket s : servers) {
            s.close();
        }
        Exception first = null;
        for (String n : namespaces) {
            try {
                run("ip", "netns", "del", n);
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
