package io.pathprobe.cli;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.text.PlainText;
import io.pathprobe.ticket.CaptureLimits;
import io.pathprobe.ticket.TicketCapture;
import io.pathprobe.ticket.agent.AgentCredentials;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.agent.Vantages;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.diagnosis.Messages;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.report.ReportBundle;
import io.pathprobe.ticket.report.ResultsJson;
import io.pathprobe.ticket.report.SummaryText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code pathprobe ticket}: the evidence support asks for when a client cannot reach a load balancer, gathered at
 * once for the whole duration (ping, MTR in ICMP and TCP mode, TCP connects per port, from every vantage point),
 * the diagnosis of the known causes, and the report bundle in {@code --out}.
 */
@Command(name = "ticket", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capture the evidence for a load balancer ticket: for the whole duration, a sustained ping to "
                + "the VIP, MTR traces (ICMP, and TCP to each port) and TCP connect checks to each port, from every "
                + "vantage point at once; then a diagnosis of the known causes and a report bundle in DIR "
                + "(report.html, summary.txt, results.json, events.jsonl). Progress goes to stderr; Ctrl-C ends "
                + "early and still writes everything (exit 130).",
                "Exit status: 0 no fault found, 1 a fault diagnosed or inconclusive, 2 bad input, 3 internal error."},
        footer = {"", "Examples:", "  pathprobe ticket 203.0.113.10 -p 80,443 --instance lb-123 --out lb-123",
                "  pathprobe ticket vip.example.net:443 -d 30m --vantage local --vantage netns:b -o t1",
                "  pathprobe ticket 203.0.113.10 -p 80 --backends 10.0.0.5 --hostcheck web1.json -o t2"})
final class TicketCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the bundle to be written before the JVM exits anyway. */
    private static final Duration CTRL_C_WAIT = Duration.ofSeconds(30);
    /**
     * The shortest --interval: ping's floor for users without root. A capture runs for minutes against a production
     * VIP; faster probing adds nothing to the evidence and can look like a flood to the provider's DDoS protection.
     */
    static final Duration MIN_INTERVAL = Duration.ofMillis(200);

    @Parameters(paramLabel = "TARGET", description = "The VIP or the load balancer's name, optionally with ports "
            + "(203.0.113.10, lb.example.net:80,443, [2001:db8::1]:443).")
    String target;

    @Option(names = {"-p", "--port"}, paramLabel = "PORTS", description = "Listener ports to check (80, 80,443, 8000-8010), at most 64.")
    String ports;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "10m",
            description = "How long to capture (90s, 10m, 1h), at most 24h; default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--instance", paramLabel = "ID", description = "The load balancer's instance ID, for the report.")
    String instance;

    @Option(names = "--vantage", paramLabel = "SPEC", description = "Where to measure from, repeatable (default: "
            + "local): local, src:ADDR (or ADDR), dev:IFACE, netns:NAME, netns:NAME,src:ADDR, agent:https://HOST:PORT "
            + "(a pathprobe agent), nats:NAME or nats:KEY=VALUE (every agent on the --nats broker with that label).")
    List<String> vantages = new ArrayList<>();

    @Mixin
    AgentClientOptions agentOptions;

    @Mixin
    NatsOptions nats;

    @Option(names = "--public-ip-url", paramLabel = "URL",
            description = "An http(s) URL that answers with the caller's public IP, asked from each vantage point.")
    String publicIpUrl;

    @Option(names = "--backends", paramLabel = "ADDR", split = ",",
            description = "The load balancer's backend addresses, when known (tells a backend calling its own VIP).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--health-checks", paramLabel = "STATUS", defaultValue = "unknown",
            description = "What the load balancer's health checks show: passing, failing or unknown; default: ${DEFAULT-VALUE}.")
    String healthChecks;

    @Option(names = "--hostcheck", paramLabel = "FILE.json",
            description = "A 'pathprobe hostcheck --json' report from a backend, as evidence; repeatable.")
    List<Path> hostchecks = new ArrayList<>();

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Time between pings, and between TCP connects to a port (at least 0.2); default: ${DEFAULT-VALUE}.")
    String interval;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "2",
            description = "How long each probe waits for its answer; default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Directory for the report bundle (created if missing; files in it are replaced).")
    Path out;

    @Option(names = "--lang", paramLabel = "LANG", description = "Language of summary.txt, report.html and the "
            + "diagnosis printed here: en or zh-CN (results.json is the same in every language); default: from the "
            + "locale (zh-CN for any Chinese locale, else en).")
    String lang;

    @Mixin
    FamilyOptions family;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        // Every option first, then the files and the name; the output directory is made only for valid input.
        TargetSpec t;
        try {
            t = TargetSpec.parse(target);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        List<Integer> portList = ports(t);
        Duration length = SessionOptions.positive("--duration", duration);
        if (length.compareTo(CaptureLimits.MAX_DURATION) > 0) {
            throw new UsageException("--duration " + duration.trim() + " is longer than "
                    + CaptureLimits.MAX_DURATION.toHours() + " h: capture the hours that matter, or monitor with "
                    + "'pathprobe mtr --out'");
        }
        Duration every = SessionOptions.positive("--interval", interval);
        if (every.compareTo(MIN_INTERVAL) < 0) {
            throw new UsageException("--interval " + Durations.format(every) + " is shorter than "
                    + Durations.format(MIN_INTERVAL) + ": a ticket capture probes a production VIP for minutes; give"
                    + " 0.2 or more");
        }
        Duration wait = SessionOptions.positive("--timeout", timeout);
        List<ProbeAgent> points = vantagePoints();
        List<HostCheckReport> reports = hostChecks();
        URI url = publicIpUrl();
        Locale locale = locale();
        InetAddress vip = HostResolver.resolve(t.host(), family.family());

        PrintWriter o = spec.commandLine().getOut();
        ProgressLine progress = ProgressLine.stderr(spec.commandLine().getErr());
        TicketCapture.Builder builder = TicketCapture.builder(t.host(), vip).ports(portList).duration(length)
                .pingInterval(every).tcpInterval(every).timeout(wait).instanceId(instance).vantagePoints(points)
                .backends(backends).healthChecks(healthChecks).hostChecks(reports).publicIpUrl(url).outputDir(out)
                .generator("pathprobe " + Main.version()).locale(locale)
                .progress(p -> progress.show(p.line()), progress.every(length));
        Path dir = OutputOption.nonEmpty("--out", out);
        TicketCapture capture;
        try {
            capture = builder.build(); // checks (and creates) the directory last, only for input that passed the rest
        } catch (IllegalArgumentException e) {
            throw OutputOption.translate("--out", e);
        }

        o.println(PlainText.oneLine(header(t.host(), vip, portList, points, length, dir)));
        o.flush();
        // Ctrl-C ends the capture early: it still writes the bundle, this thread prints the result, exit 130.
        try (Interrupts ctrlC = Interrupts.during(capture::stop, Interrupts.Status.SIGNALLED, CTRL_C_WAIT)) {
            TicketResults r = capture.run();
            progress.end();
            print(o, r, dir, locale);
            return ctrlC.status(Diagnosis.NO_FAULT_FOUND.equals(r.diagnosis().verdict()) ? 0 : 1);
        }
    }

    private List<Integer> ports(TargetSpec t) {
        List<Integer> list = new ArrayList<>(t.ports());
        if (ports != null) {
            try {
                for (int p : TargetSpec.parsePorts(ports)) {
                    if (!list.contains(p)) {
                        list.add(p);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("--port: " + e.getMessage(), e);
            }
        }
        if (list.isEmpty()) {
            throw new UsageException("no listener port given: add --port PORTS (e.g. --port 80,443) or write "
                    + "TARGET:PORTS");
        }
        if (list.size() > CaptureLimits.MAX_PORTS) {
            throw new UsageException("--port: " + list.size() + " ports are more than the " + CaptureLimits.MAX_PORTS
                    + " a ticket capture checks (it is not a port scanner): give the load balancer's listeners");
        }
        return list;
    }

    /** The vantage points, each checked here when it can be: a local source address or interface, a namespace. */
    private List<ProbeAgent> vantagePoints() {
        List<ProbeAgent> points = new ArrayList<>();
        List<String> specs = vantages.isEmpty() ? List.of("local") : vantages;
        // Read secrets only when a remote agent needs them.
        AgentCredentials credentials = specs.stream().anyMatch(v -> v.trim().startsWith("agent:"))
                ? agentOptions.credentials() : AgentCredentials.none();
        if (specs.stream().anyMatch(v -> v.trim().startsWith("nats:"))) {
            // The nats: forms find their broker here (NatsVantageFactory).
            var c = nats.connection();
            System.setProperty(io.pathprobe.fleet.NatsVantageFactory.URL_PROPERTY, c.url().toString());
            if (nats.auth != null) {
                System.setProperty(io.pathprobe.fleet.NatsVantageFactory.AUTH_PROPERTY, nats.auth.toString());
            } else {
                System.clearProperty(io.pathprobe.fleet.NatsVantageFactory.AUTH_PROPERTY);
            }
        }
        for (String spec : specs) {
            List<ProbeAgent> found;
            try {
                found = Vantages.parseAll(spec, credentials);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--vantage " + spec + ": " + e.getMessage(), e);
            }
            if (spec.trim().startsWith("nats:")) {
                this.spec.commandLine().getErr().println("--vantage " + spec.trim() + ": " + found.size() + " agent"
                        + (found.size() == 1 ? "" : "s") + " matched: " + String.join(", ",
                        found.stream().map(ProbeAgent::id).toList()));
                this.spec.commandLine().getErr().flush();
                points.addAll(found);
                continue;
            }
            ProbeAgent v = found.get(0);
            if (v instanceof LocalAgent l && l.namespace() == null) {
                // Inside a namespace its own addresses and interfaces apply; on this host, check them now.
                l.binding().sourceAddress().ifPresent(a -> HostResolver.localAddress(AddressText.of(a),
                        "--vantage " + spec + ":"));
                l.binding().interfaceName().ifPresent(n -> HostResolver.checkInterface(n, "--vantage " + spec));
            }
            points.add(v);
        }
        return points;
    }

    private List<HostCheckReport> hostChecks() {
        List<HostCheckReport> reports = new ArrayList<>();
        for (Path f : hostchecks) {
            if (!Files.isRegularFile(f)) {
                throw new UsageException("--hostcheck " + f + ": no such file: give the file that "
                        + "'pathprobe hostcheck --json' wrote");
            }
            try {
                reports.add(ResultsJson.readHostCheck(f));
            } catch (IOException e) {
                throw new UsageException("--hostcheck " + f + ": cannot read it (" + e.getMessage() + ")", e);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--hostcheck " + e.getMessage(), e);
            }
        }
        return reports;
    }

    private URI publicIpUrl() {
        if (publicIpUrl == null) {
            return null;
        }
        try {
            URI u = URI.create(publicIpUrl.trim());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new UsageException("--public-ip-url " + u + " must be an http or https URL");
            }
            return u;
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--public-ip-url '" + publicIpUrl + "' is not a URL: give e.g. "
                    + "https://ifconfig.example/ip", e);
        }
    }

    /** --lang, or the JVM's locale (from LANG / LC_ALL) when not given. */
    private Locale locale() {
        if (lang == null) {
            return Messages.supported(Locale.getDefault());
        }
        try {
            return Messages.locale(lang);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--lang " + lang + " is not a language of the report: give en or zh-CN", e);
        }
    }

    /** About 30 progress lines per capture, one a second at most and every 10 s at least. */
    static Duration progressEvery(Duration length) {
        return ProgressLine.linesEvery(length);
    }

    private static String header(String host, InetAddress vip, List<Integer> ports, List<ProbeAgent> points,
                                 Duration length, Path dir) {
        StringBuilder sb = new StringBuilder("ticket capture of ").append(host);
        if (!HostResolver.isLiteral(host)) {
            sb.append(" (").append(AddressText.of(vip)).append(')');
        }
        sb.append(", port").append(ports.size() == 1 ? " " : "s ");
        for (int i = 0; i < ports.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(ports.get(i));
        }
        sb.append(", from ").append(String.join(" ", points.stream().map(ProbeAgent::id).toList()))
                .append(", for ").append(Durations.format(length)).append("; bundle in ").append(dir)
                .append(" (Ctrl-C ends early and still writes it)");
        return sb.toString();
    }

    /** The ping and TCP summaries of each vantage point, the diagnosis, and where the bundle is. */
    private static void print(PrintWriter o, TicketResults r, Path dir, Locale locale) {
        for (VantageEvidence v : r.vantagePoints()) {
            o.println();
            println(o, "=== from " + v.id() + " (source " + (v.sourceAddress() == null ? "-" : v.sourceAddress())
                    + (v.publicIp() == null ? "" : ", public IP " + v.publicIp()) + ") ===");
            if (v.ping() != null) {
                SummaryText.pingSummary(v.ping()).forEach(l -> println(o, l));
            }
            for (ProbeSeries s : v.tcp()) {
                SummaryText.tcpSummary(s).forEach(l -> println(o, l));
            }
            v.notes().forEach(n -> println(o, "note: " + n));
        }
        o.println();
        List<String> lines = new ArrayList<>();
        SummaryText.diagnosis(lines, r.diagnosis(), locale);
        lines.forEach(l -> println(o, l));
        o.println();
        println(o, "Report bundle in " + dir + ":");
        println(o, "  " + ReportBundle.HTML + "    the report: diagnosis, RTT charts, MTR tables (open in a browser)");
        println(o, "  " + ReportBundle.SUMMARY + "    the text to paste into the ticket (with the mtr reports)");
        println(o, "  " + ReportBundle.RESULTS + "   everything, schema " + TicketResults.SCHEMA);
        println(o, "  " + ReportBundle.EVENTS + "   every probe outcome, one JSON object a line");
        o.flush();
    }

    /** Free text (vantage names, notes quoting servers) stays on its line. */
    private static void println(PrintWriter o, String line) {
        o.println(PlainText.oneLine(line));
    }
}
