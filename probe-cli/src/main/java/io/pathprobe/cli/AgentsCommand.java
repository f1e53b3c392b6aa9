package io.pathprobe.cli;

import io.pathprobe.fleet.Fleet;
import io.pathprobe.fleet.FleetAgent;
import io.pathprobe.ticket.agent.AgentException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code pathprobe agents --nats URL [SELECTOR]}: the agents on a broker, from their heartbeats. */
@Command(name = "agents", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the pathprobe agents connected to a NATS broker (from their heartbeats, heard for "
                + "2.5 s): name, labels, version, last heartbeat, queue group and the probers they can run.",
                "Exit status: 0 listed (1 when none matched), 2 bad input or the broker refused us."},
        footer = {"", "Examples:", "  pathprobe agents --nats nats://broker:4222 --nats-auth coordinator.auth",
                "  pathprobe agents --nats nats://broker:4222 region=eu"})
final class AgentsCommand implements Callable<Integer> {
    @Mixin
    NatsOptions nats;

    @Parameters(arity = "0..1", paramLabel = "SELECTOR",
            description = "An agent's name, or KEY=VALUE[,KEY=VALUE] labels; default: every agent.")
    String selector = "*";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<FleetAgent> found;
        try (Fleet fleet = Fleet.connect(nats.connection())) {
            found = fleet.agents(selector, Fleet.DISCOVERY);
        } catch (AgentException e) {
            throw new UsageException(e.getMessage().replace("the auth file", "--nats-auth"), e);
        } catch (IllegalArgumentException e) {
            throw new UsageException("SELECTOR: " + e.getMessage(), e);
        }
        out.printf("%-20s %-28s %-16s %-10s %-10s %s%n", "NAME", "LABELS", "VERSION", "HEARD", "QUEUE", "PROBERS");
        Instant now = Instant.now();
        for (FleetAgent a : found) {
            String labels = a.labels().isEmpty() ? "-" : a.labels().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            String probers = a.probers().entrySet().stream().map(e -> e.getKey() + (e.getValue().available() ? "" : "(no)"))
                    .collect(Collectors.joining(" "));
            out.printf("%-20s %-28s %-16s %-10s %-10s %s%n", a.name(), labels,
                    a.version() == null ? "-" : a.version(),
                    Duration.between(a.lastHeartbeat(), now).toMillis() / 1000.0 + "s ago",
                    a.queueGroup() == null ? "-" : a.queueGroup(), probers.isEmpty() ? "-" : probers);
        }
        out.println(found.size() + " agent" + (found.size() == 1 ? "" : "s")
                + (selector.equals("*") ? "" : " matching " + selector));
        out.flush();
        return found.isEmpty() ? 1 : 0;
    }
}
