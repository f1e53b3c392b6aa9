package io.pathprobe.cli;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.HopNames;
import io.pathprobe.mtr.MtrCsv;
import io.pathprobe.mtr.MtrJson;
import io.pathprobe.mtr.MtrRaw;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.StopReason;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceListener;
import io.pathprobe.mtr.TraceSeriesWriter;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code pathprobe mtr}: mtr's live view and report, every TTL of a round at once, with per-flow paths and a loss reading. */
@Command(name = MtrCommand.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trace the path to HOST as mtr does: rounds of probes with every TTL at once, mtr's "
                + "statistics per hop, a mark on hops whose loss does not carry on (the router rate-limits its "
                + "ICMP), where persistent loss begins, and why the hop list ends. ICMP echo by default (ping "
                + "socket or raw socket), --udp (unprivileged) or --tcp (unprivileged). In a terminal the table is "
                + "redrawn each round; otherwise (or with --report) it is printed at the end. Hop names come from "
                + "reverse DNS (-n: addresses only). --out DIR keeps a time series for long captures. Ctrl-C "
                + "prints (and writes) what was measured so far.",
                "Exit status: 0 destination reached, 1 not reached, 2 bad input, 3 internal error."},
        footer = {"", "Examples:", "  pathprobe mtr -c 10 10.0.0.1", "  pathprobe mtr --udp --paths 8 -c 20 10.0.0.1",
                "  pathprobe mtr --tcp -P 443 --json example.net"})
final class MtrCommand implements Callable<Integer> {
    static final String NAME = "mtr";
    static final String DEFAULT_SNAPSHOT = "60s";
    private static final long CTRL_C_WAIT_SECONDS = 5;

    @Parameters(paramLabel = "HOST", description = "The target: a host name, an IPv4 or an IPv6 address.")
    String host;

    @Option(names = {"-r", "--report"}, description = "mtr's report layout at the end, instead of the live view (the "
            + "live view redraws the table each round when stdout is a terminal; otherwise the report is printed).")
    boolean report;

    @Option(names = {"-j", "--json"}, description = "mtr's JSON (report.mtr, report.hubs) with pathprobe's additions.")
    boolean json;

    @Option(names = {"-C", "--csv"}, description = "mtr's CSV.")
    boolean csv;

    @Option(names = "--raw", description = "One JSON object a line for every probe as it ends, instead of a table.")
    boolean raw;

    @Option(names = {"-o", "--order"}, paramLabel = "FIELDS",
            description = "Columns as mtr's -o letters: L loss, D drop, R rcv, S snt, N last, B best, A avg, W worst, "
                    + "V stdev, G gmean, J jttr, M javg, X jmax, I jint, space a gap; default \"LS NABWV\".")
    String fields;

    @Option(names = {"-c", "--report-cycles"}, paramLabel = "N", defaultValue = "10",
            description = "Rounds to send; default: ${DEFAULT-VALUE}.")
    String count;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Time between the starts of rounds; default: ${DEFAULT-VALUE}.")
    String interval;

    @Option(names = {"-m", "--max-ttl"}, paramLabel = "TTL", defaultValue = "30", description = "Highest TTL; default: ${DEFAULT-VALUE}.")
    String maxTtl;

    @Option(names = {"-f", "--first-ttl"}, paramLabel = "TTL", defaultValue = "1", description = "Lowest TTL; default: ${DEFAULT-VALUE}.")
    String firstTtl;

    @Option(names = {"-Z", "--timeout"}, paramLabel = "SECONDS", defaultValue = "2",
            description = "How long each probe waits for its answer; default: ${DEFAULT-VALUE}. With --tcp at most "
                    + "0.95, so that the kernel's SYN retransmission (after 1 s) cannot hide a lost probe.")
    String timeout;

    @Option(names = {"-s", "--psize"}, paramLabel = "BYTES", defaultValue = "64",
            description = "Packet size, IP and ICMP/UDP headers included; default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = {"-Q", "--tos"}, paramLabel = "TOS", description = "IP TOS / IPv6 traffic class, 0 to 255.")
    String tos;

    @Option(names = {"-P", "--port"}, paramLabel = "PORT",
            description = "Destination port: TCP default 80, UDP default 33434 (a port nothing listens on).")
    String port;

    @Option(names = {"-T", "--tcp"}, description = "TCP connects with a TTL (mtr --tcp); the destination answers "
            + "connected or refused. Source ports are kernel-chosen per probe, so --paths does not apply.")
    boolean tcp;

    @Option(names = {"-u", "--udp"}, description = "UDP datagrams to a port (traceroute style); the destination "
            + "answers port unreachable. Each flow keeps one source port.")
    boolean udp;

    @Option(names = "--paths", paramLabel = "N", defaultValue = "1",
            description = "Flows to probe, each with its own statistics: 1 keeps every probe on one load-balanced "
                    + "path (Paris); more find up to N paths (UDP: one source port per flow; ICMP over IPv4: one "
                    + "echo checksum per flow); default: ${DEFAULT-VALUE}.")
    String paths;

    @Option(names = "--source-port", paramLabel = "PORT",
            description = "UDP: the source port of the first flow (flow i uses PORT+i); default: "
                    + TraceConfig.DEFAULT_SOURCE_PORT + ".")
    String sourcePort;

    @Mixin
    DnsOptions dns;

    @Option(names = "--duration", paramLabel = "TIME",
            description = "Stop after this long (30s, 30m, 2h), whatever -c says; -c 0 runs until then or Ctrl-C.")
    String duration;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Sustained capture: write DIR/series.csv (per snapshot interval and hop: sent, received, "
                    + "lost, loss%%, RTT min/avg/p50/p90/p99/max), flushed each interval, and at the end (Ctrl-C "
                    + "too) DIR/report.txt and DIR/report.json.")
    Path out;

    @Option(names = "--snapshot", paramLabel = "TIME",
            description = "Length of each interval of the series in --out; default: " + DEFAULT_SNAPSHOT + ".")
    String snapshot;

    @Mixin
    VantageOptions vantage;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        TraceConfig config = config();
        int formats = (json ? 1 : 0) + (csv ? 1 : 0) + (raw ? 1 : 0);
        if (formats > 1 || (report && formats > 0)) {
            throw new UsageException("give one output format: --report, --json, --csv or --raw");
        }
        FormatOptions format = FormatOptions.defaults();
        if (fields != null) {
            format = format.withFields(fields);
        }
        SessionRun.checkProber(config.mode().kind(), config.mode() == ProbeMode.UDP ? "probe-udp"
                : config.mode() == ProbeMode.TCP ? "probe-tcp" : "probe-icmp");
        Duration every = snapshotInterval();
        List<InetSocketAddress> nameServers = dns.servers();
        Path dir = outputDir();
        PrintWriter out = spec.commandLine().getOut();
        boolean live = !report && formats == 0 && LiveView.stdoutIsTerminal();
        TraceSeriesWriter series = dir == null ? null : series(config, dir);
        HopNames names = dns.open(nameServers);
        if (names != null) {
            format = format.withNames(names.names(dns.showIps));
        }
        try (HopNames closedLast = names; TraceSeriesWriter closedAtTheEnd = series;
             ProbeEngine engine = ProbeEngine.create()) {
            TraceListener listener = TraceListener.all(raw ? MtrRaw.listener(out) : TraceListener.NONE,
                    live ? new LiveView(out, format) : TraceListener.NONE, series);
            if (series != null) {
                series.rollEvery(every);
            }
            Tracer tracer;
            try {
                tracer = Tracer.start(engine, config, listener);
            } catch (IllegalArgumentException e) {
                throw new UsageException(flags(e.getMessage()), e);
            }
            CountDownLatch printed = new CountDownLatch(1);
            Thread hook = new Thread(() -> ctrlC(tracer, printed), "pathprobe-ctrl-c");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                TraceSnapshot s = tracer.completion().join();
                if (names != null) { // names for every hop in the final report, waited for briefly
                    names.lookupAll(s);
                    names.awaitPending(DnsOptions.TIMEOUT);
                }
                String text = MtrReport.format(s, format);
                String jsonText = json || dir != null ? MtrJson.format(s, format) : null;
                if (dir != null) {
                    series.close();
                    OutputOption.write("--out", dir, "report.txt", text);
                    OutputOption.write("--out", dir, "report.json", jsonText + "\n");
                }
                if (json) {
                    out.println(jsonText);
                } else if (csv) {
                    out.print(MtrCsv.format(s, format));
                } else if (live) {
                    if (names != null) {
                        out.print(LiveView.frame(s, format)); // the last frame again, now with the names
                    }
                } else if (!raw) {
                    out.print(text);
                }
                out.flush();
                return s.stop().kind() == StopReason.Kind.DESTINATION_REACHED ? 0 : 1;
            } finally {
                printed.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C came: the hook waits for what this thread prints.
                }
            }
        }
    }

    private static final String SERIES_FILE = "series.csv";

    /** The series' interval; only with --out. */
    private Duration snapshotInterval() {
        if (snapshot != null && out == null) {
            throw new UsageException("--snapshot " + snapshot + " needs --out DIR: the series is written there");
        }
        return SessionOptions.positive("--snapshot", snapshot == null ? DEFAULT_SNAPSHOT : snapshot);
    }

    /** The --out directory, created if missing and checked before the trace starts; null without it. */
    private Path outputDir() {
        return out == null ? null : OutputOption.check("--out", out);
    }

    private static TraceSeriesWriter series(TraceConfig config, Path dir) {
        try {
            return TraceSeriesWriter.create(config, dir.resolve(SERIES_FILE));
        } catch (UncheckedIOException e) {
            throw new UsageException("--out: " + e.getMessage(), e);
        }
    }

    /** Ctrl-C: end the trace (probes in flight are left out, as mtr does) and let the main thread print it. */
    private static void ctrlC(Tracer tracer, CountDownLatch printed) {
        tracer.stop();
        try {
            printed.await(CTRL_C_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The trace's configuration from the options; every check before the target is resolved. */
    TraceConfig config() {
        if (tcp && udp) {
            throw new UsageException("--tcp and --udp contradict each other: give one of them");
        }
        ProbeMode mode = tcp ? ProbeMode.TCP : udp ? ProbeMode.UDP : ProbeMode.ICMP;
        long rounds = SessionOptions.wholeNumber("--report-cycles", count);
        if (rounds < 0 || (rounds == 0 && duration == null)) {
            throw new UsageException("-c " + rounds + " must be at least 1 (or 0 with --duration)");
        }
        Duration every = SessionOptions.positive("--interval", interval);
        try {
            ProbeEngine.checkInterval(every);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--interval: " + e.getMessage(), e);
        }
        InetAddress source = null;
        try {
            TraceConfig.Builder b = TraceConfig.builder(host).mode(mode).count(rounds).interval(every)
                    .maxTtl(number("-m", maxTtl)).firstTtl(number("-f", firstTtl))
                    .timeout(SessionOptions.positive("--timeout", timeout)).packetSize(number("-s", size))
                    .paths(number("--paths", paths)).vantagePoint(vantage.vantagePoint());
            if (tos != null) {
                b.tos(Integer.decode(tos.trim()));
            }
            if (port != null) {
                if (mode == ProbeMode.ICMP) {
                    throw new UsageException("-P " + port + " needs --tcp or --udp: ICMP echo has no port");
                }
                b.port(number("-P", port));
            }
            if (sourcePort != null) {
                if (mode != ProbeMode.UDP) {
                    throw new UsageException("--source-port applies to --udp only (TCP source ports are kernel-chosen)");
                }
                b.sourcePort(number("--source-port", sourcePort));
            }
            if (duration != null) {
                b.duration(SessionOptions.positive("--duration", duration));
            }
            InetAddress target = HostResolver.resolve(host, vantage.family());
            vantage.checkTarget(host, target);
            try {
                return b.target(target).build();
            } catch (IllegalArgumentException e) {
                throw new UsageException(flags(e.getMessage()), e);
            }
        } catch (NumberFormatException e) {
            throw new UsageException("-Q '" + tos + "' is not a number: give 0 to 255, decimal or hex (0x10)", e);
        }
    }

    private static int number(String option, String text) {
        long v = SessionOptions.wholeNumber(option, text);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new UsageException(option + " " + v + " is out of range");
        }
        return (int) v;
    }

    /** The library's words for a trace's settings, as this command's flags. */
    static String flags(String message) {
        return message.replaceAll("\\bpaths (\\d+)", "--paths $1").replace("in TCP mode", "with --tcp")
                .replace("TCP mode connects", "--tcp connects").replace("trace in UDP mode", "use --udp")
                .replace("(or ICMP mode to", "(or ICMP to").replace("or trace --paths 1", "or --paths 1")
                .replace("use a larger packet size", "raise -s").replace("use a packetSize of", "use -s")
                .replace("lower firstTtl or raise maxTtl", "lower -f or raise -m");
    }
}
