package io.pathprobe.fleet;

import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.agent.quota.Quotas;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** A NATS agent process for the tests that kill one: URL AUTH-FILE NAME GROUP|- ALLOW. */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] a) throws Exception {
        AgentServerConfig cfg = AgentServerConfig.builder(TargetPolicy.of(a[4].split(" "))).name(a[2])
                .quotas(Quotas.builder().probesPerSecond(2000).build()).version("pathprobe test").build();
        NatsAgentServer s = NatsAgentServer.start(new NatsAgentConfig(NatsConnection.to(URI.create(a[0]))
                .withAuthFile(Path.of(a[1])), Map.of("kind", "process"), a[3].equals("-") ? null : a[3], cfg));
        System.out.println("ready " + s.name());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
