package io.pathprobe.examples.consumer;

import io.pathprobe.core.Availability;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

/** Probes a listener of its own on 127.0.0.1 with probe-tcp: exit 0 when the probe connected, 1 otherwise. */
public final class Main {
    public static void main(String[] args) throws Exception {
        boolean connected;
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ProbeEngine engine = ProbeEngine.builder().build()) {
            Availability tcp = engine.availability("tcp");
            System.out.println("tcp prober available: " + tcp.available() + ", transport " + engine.transport());
            ProbeRequest req = ProbeRequest.builder("tcp").target(listener.getInetAddress())
                    .port(listener.getLocalPort()).timeout(Duration.ofSeconds(2)).build();
            ProbeOutcome outcome = engine.probeAndWait(req);
            System.out.println(outcome);
            connected = outcome.isSuccess();
        }
        System.exit(connected ? 0 : 1);
    }
}
