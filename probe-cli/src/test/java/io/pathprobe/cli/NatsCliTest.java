package io.pathprobe.cli;

import org.junit.jupiter.api.Test;

/** The fleet flags' input checks: one clear line each, nothing sent. */
class NatsCliTest {
    @Test
    void fleetFlagsNeedEachOther() {
        Cli.run("agent", "--label", "region=eu", "--allow", "192.0.2.1/32").assertUsageError("give --nats URL");
        Cli.run("agent", "--nats", "nats://127.0.0.1:1", "--allow", "192.0.2.1/32").assertUsageError("--name");
        Cli.run("agent", "--nats", "nats://127.0.0.1:1", "--name", "a.b", "--allow", "192.0.2.1/32")
                .assertUsageError("--name 'a.b' must be");
        Cli.run("agent", "--nats", "nats://127.0.0.1:1", "--name", "a", "--label", "region", "--allow",
                "192.0.2.1/32").assertUsageError("--label 'region' must be key=value");
        Cli.run("agent", "--nats", "nats://127.0.0.1:1", "--name", "a", "--token-file", "x", "--allow",
                "192.0.2.1/32").assertUsageError("listen on nothing");
        Cli.run("agent", "--nats", "http://127.0.0.1:1", "--name", "a", "--allow", "192.0.2.1/32")
                .assertUsageError("nats://HOST:PORT");
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void anUnreachableBrokerIsOneLine() {
        // Port 1 on loopback: nothing listens, the connection is refused at once (retried for 5 s).
        Cli.run("agents", "--nats", "nats://127.0.0.1:1").assertUsageError("cannot connect to the broker");
        Cli.run("ticket", "127.0.0.1", "-p", "80", "-d", "1s", "--vantage", "nats:x", "--nats",
                "nats://127.0.0.1:1", "-o", dir.resolve("t").toString()).assertUsageError("--vantage nats:x: cannot connect to the broker");
    }
}
