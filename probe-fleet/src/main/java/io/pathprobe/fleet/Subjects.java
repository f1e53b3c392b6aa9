package io.pathprobe.fleet;

import java.util.regex.Pattern;

/**
 * The fleet's subject layout on the broker: every subject starts with {@value #ROOT}. Broker permissions are written
 * against it (see {@code probe-fleet/config/nats-server.conf}): an agent may publish only its own heartbeats,
 * events and job results and answer requests it received; it may subscribe only to its own request subject and its
 * queue group's work. A coordinator may send requests to agents and read what they publish.
 *
 * <pre>
 * pathprobe.hb.NAME                 agent → all    announce (at connect) and heartbeat (every second): who, labels,
 *                                                  version, probers, public address, its captures' last event numbers
 * pathprobe.agent.NAME.info         coord → agent  request: the agent's info
 * pathprobe.agent.NAME.start        coord → agent  request: a capture plan; reply: the capture's id, or a refusal
 * pathprobe.agent.NAME.status       coord → agent  request: {"id"}; reply: status, last event number, evidence so far
 * pathprobe.agent.NAME.events       coord → agent  request: {"id","after","max"}; reply: the kept events after that
 *                                                  number (the replay a coordinator asks for when it sees a gap)
 * pathprobe.agent.NAME.cancel       coord → agent  request: {"id"}; reply: the status
 * pathprobe.ev.NAME.CAPTURE         agent → coord  a capture's events, NDJSON batches numbered by eventSeq, and a
 *                                                  heartbeat line with the last number every second
 * pathprobe.work.GROUP              coord → group  a job's work items, delivered to one member of queue group GROUP
 * pathprobe.res.NAME.JOB            agent → coord  "taken" and the results of the work items that agent ran
 * </pre>
 *
 * Names (agents, groups) are 1 to 64 characters of {@code [A-Za-z0-9_-]}: no dots or wildcards, so that a name is
 * exactly one subject token and a permission on {@code pathprobe.agent.office-1.>} covers no other agent.
 */
public final class Subjects {
    public static final String ROOT = "pathprobe";
    /** Every agent's heartbeat, for a coordinator to subscribe to. */
    public static final String ALL_HEARTBEATS = ROOT + ".hb.*";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Subjects() {
    }

    /**
     * {@code name} if it can be one subject token.
     *
     * @throws IllegalArgumentException saying which characters are allowed
     */
    public static String name(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name + "' must be 1 to 64 letters, digits, '-' or '_'"
                    + " (it is a NATS subject token: no dots, spaces or wildcards)");
        }
        return name;
    }

    public static String heartbeat(String agent) {
        return ROOT + ".hb." + agent;
    }

    /** The subject an agent's requests arrive on, {@code op} one of info, start, status, events, cancel. */
    public static String request(String agent, String op) {
        return ROOT + ".agent." + agent + "." + op;
    }

    /** What an agent subscribes to for its requests. */
    public static String requests(String agent) {
        return ROOT + ".agent." + agent + ".*";
    }

    public static String events(String agent, String capture) {
        return ROOT + ".ev." + agent + "." + capture;
    }

    public static String work(String group) {
        return ROOT + ".work." + group;
    }

    public static String results(String agent, String job) {
        return ROOT + ".res." + agent + "." + job;
    }

    /** Every agent's results for {@code job}. */
    public static String allResults(String job) {
        return ROOT + ".res.*." + job;
    }

    /** The agent name in a subject {@code pathprobe.KIND.NAME...}, or {@code null}. */
    public static String agentOf(String subject) {
        String[] p = subject.split("\\.");
        return p.length >= 3 && p[0].equals(ROOT) ? p[2] : null;
    }
}
