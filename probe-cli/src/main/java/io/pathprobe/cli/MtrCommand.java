package io.pathprobe.cli;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.HopNames;
import io.pathprobe.mtr.HopSnapshot;
import io.pathprobe.mtr.MtrCsv;
import io.pathprobe.mtr.MtrJson;
import io.pathprobe.mtr.MtrRaw;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.MtrXml;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.StopReason;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceListener;
import io.pathprobe.mtr.TraceSeriesWriter;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code pathprobe mtr}: mtr's live view and report, every TTL of a round at once, with per-flow paths and a loss reading. */
@Command(name = MtrCommand.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trace the path to HOST as mtr does: rounds of probes with every TTL at once, mtr's "
                + "statistics per hop, a mark on hops whose loss does not carry on (the router rate-limits its "
                + "ICMP), where persistent loss begins, and why the hop list ends. ICMP echo by default (ping "
                + "socket or raw socket), --udp (unprivileged) or --tcp (unprivileged). In a terminal the table is "
                + "redrawn each round and takes mtr's keys (q quit, p pause, space resume, r reset, d display, "
                + "n names, o fields, j jitter, h help); otherwise (or with -r) the report is printed at the end. "
                + "Short options cluster as mtr's (-rwn), and the last of -r, -w, -t, --json, --csv, --xml, --raw wins. "
                + "Hop names come from reverse DNS (-n: addresses only). --out DIR keeps a time series for long "
                + "captures, with progress on stderr. Ctrl-C prints (and writes) what was measured so far.",
                "Exit status: 0 destination reached, 1 not reached, 2 bad input, 3 internal error, 130 after Ctrl-C "
                        + "(as mtr)."},
        footer = {"", "Examples:", "  pathprobe mtr -c 10 10.0.0.1", "  pathprobe mtr -rwn -c 10 10.0.0.1",
                "  pathprobe mtr --udp --paths 8 -c 20 10.0.0.1",
                "  pathprobe mtr --tcp -P 443 --json example.net"})
final class MtrCommand implements Callable<Integer> {
    static final String NAME = "mtr";
    static final String DEFAULT_SNAPSHOT = "60s";

    @Parameters(paramLabel = "HOST", arity = "0..1",
            description = "The target: a host name, an IPv4 or an IPv6 address (or -F FILE).")
    String host;

    @Option(names = {"-F", "--filename"}, paramLabel = "FILE", description = "Read the targets from FILE, one a "
            + "line (- for stdin; blank lines and # comments skipped), and trace them one after another, each with "
            + "its own report (after HOST's, if given). mtr traces them at once, in a process each.")
    String hostsFile;

    @Option(names = {"-r", "--report"}, description = "mtr's report layout at the end, instead of the live view (the "
            + "live view redraws the table each round when stdout is a terminal; otherwise the report is printed). "
            + "As in mtr, of -r, -w, -t, --json, --csv, --xml and --raw the last one given wins.")
    boolean report;

    @Option(names = {"-w", "--report-wide"}, description = "The report, with the host column as wide as the longest "
            + "name instead of cut at mtr's 33 characters; with --csv, a line for each further address of a hop.")
    boolean wide;

    @Option(names = {"-t", "--curses"}, description = "The live view (the default when stdout is a terminal).")
    boolean curses;

    @Option(names = "--displaymode", paramLabel = "MODE", description = "The live view's first display: 0 the table "
            + "(default), 1 a block map of the last probes per hop, 2 the block map scaled by RTT (the d key cycles).")
    String displayMode;

    @Option(names = {"-j", "--json"}, description = "mtr's JSON (report.mtr, report.hubs) with pathprobe's additions.")
    boolean json;

    @Option(names = {"-C", "--csv"}, description = "mtr's CSV: its header (Mtr_Version,Start_Time,Status,Host,Hop,Ip,"
            + "FIELDS,) and a line per hop.")
    boolean csv;

    @Option(names = {"-x", "--xml"}, description = "mtr's XML: <MTR> with a <HUB> per hop and an element per "
            + "field (mtr's BITPATTERN attribute left out: the payload is not one repeated byte here).")
    boolean xml;

    @Option(names = {"-l", "--raw"}, description = "mtr's raw format: x (sent), h (address), d (name), p (answer, "
            + "microseconds) lines as probes end, instead of a table.")
    boolean raw;

    @Option(names = {"-y", "--ipinfo"}, paramLabel = "N", description = "Not available: see -z.")
    String ipInfo;

    @Option(names = {"-p", "--split"}, description = "Not available: use --raw (see the message).")
    boolean split;

    @Option(names = {"-e", "--mpls"}, description = "Not available: ICMP extensions (MPLS labels) are not read.")
    boolean mpls;

    @Option(names = {"-S", "--sctp"}, description = "Not available: there is no SCTP prober; use --tcp or --udp.")
    boolean sctp;

    @Option(names = {"-B", "--bitpattern"}, paramLabel = "NUM", description = "Not available: see the message.")
    String bitPattern;

    @Option(names = {"-G", "--gracetime"}, paramLabel = "SECONDS", description = "Not available: each probe waits "
            + "its -Z timeout, the last round's too.")
    String graceTime;

    @Option(names = {"-M", "--mark"}, paramLabel = "MARK", description = "Not available: probe sockets get no SO_MARK.")
    String mark;

    @Option(names = {"-U", "--max-unknown"}, paramLabel = "NUM", description = "Not available: every TTL up to the "
            + "destination or -m is probed.")
    String maxUnknown;

    @Option(names = {"-z", "--aslookup"}, description = "Not available: mtr finds AS numbers with DNS queries to a "
            + "server on the internet (origin.asn.cymru.com); pathprobe sends nothing beyond the path it traces.")
    boolean asLookup;

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

    @Option(names = {"-L", "--localport", "--source-port"}, paramLabel = "PORT",
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

    @Option(names = {"-a", "--address"}, paramLabel = "ADDR", description = "Send from this local address (as "
            + "--source).")
    String address;

    @Option(names = "-I", paramLabel = "NAME", description = "Send through this interface (as --interface).")
    String interfaceName;

    @Mixin
    VantageOptions vantage;

    @Spec
    CommandSpec spec;

    private io.pathprobe.core.VantagePoint from;

    /** What stdout gets; as in mtr, the last of the output options given wins. */
    enum Output { LIVE, REPORT, JSON, CSV, XML, RAW }

    @Override
    public Integer call() throws InterruptedException {
        refuseUnavailable();
        List<String> targets = new java.util.ArrayList<>();
        if (host != null) {
            targets.add(host);
        }
        if (hostsFile != null) {
            targets.addAll(FpingTargets.readFile("-F", hostsFile));
        }
        if (targets.isEmpty()) {
            throw new UsageException(hostsFile == null ? "no target: give HOST, or -F FILE with one a line"
                    : "-F " + hostsFile + " names no target: give one a line");
        }
        if (targets.size() > 1 && out != null) {
            throw new UsageException("--out and several targets: a capture directory holds one trace; give one HOST");
        }
        int status = 0;
        for (String t : targets) { // in turn: one trace's output after another's
            host = t;
            status = Math.max(status, trace(targets.size() > 1));
        }
        return status;
    }

    /** mtr's flags that cannot be real here, each refused with the reason. */
    private void refuseUnavailable() {
        String why = null;
        if (asLookup || ipInfo != null) {
            why = (asLookup ? "-z" : "-y") + " is not available: mtr looks AS numbers and IP information up on the "
                    + "internet (DNS queries to origin.asn.cymru.com), and pathprobe sends nothing beyond the path it "
                    + "traces; leave it out";
        } else if (split) {
            why = "-p (split output) is not available: it feeds a front-end that redraws lines; --raw gives a program "
                    + "every probe as it ends: use --raw";
        } else if (mpls) {
            why = "-e is not available: pathprobe does not read the ICMP extensions (RFC 4950 MPLS labels) of the "
                    + "answers; leave it out";
        } else if (sctp) {
            why = "-S (SCTP) is not available: pathprobe has no SCTP prober; use --tcp or --udp";
        } else if (bitPattern != null) {
            why = "-B is not available: a trace's payload is not chosen here (it carries the stamp that matches "
                    + "answers to probes); leave it out";
        } else if (graceTime != null) {
            why = "-G is not available: each probe waits its own timeout, the last round's too, and the trace ends "
                    + "when they have: give -Z SECONDS instead";
        } else if (mark != null) {
            why = "-M is not available: pathprobe sets no SO_MARK on its probe sockets; match the probes in nftables "
                    + "by their source (-a ADDR) instead";
        } else if (maxUnknown != null) {
            why = "-U is not available: every TTL up to the destination (or -m) is probed and silent hops show as "
                    + "???; lower -m to stop earlier";
        }
        if (why != null) {
            throw new UsageException(why);
        }
    }

    /** Traces {@link #host} and prints its output; {@code several}: one of several targets (-F). */
    private int trace(boolean several) throws InterruptedException {
        TraceConfig config = config();
        boolean terminal = LiveView.stdoutIsTerminal() && !several; // one live view at a time: the report
        Output output = output(terminal);
        LiveView.Mode firstMode = displayMode();
        FormatOptions format = FormatOptions.defaults().withWide(wide);
        if (fields != null) {
            format = format.withFields(fields);
        }
        SessionRun.checkProber(config.mode().kind(), config.mode() == ProbeMode.UDP ? "probe-udp"
                : config.mode() == ProbeMode.TCP ? "probe-tcp" : "probe-icmp");
        Duration every = snapshotInterval();
        List<InetSocketAddress> nameServers = dns.servers();
        Path dir = outputDir();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean live = output == Output.LIVE;
        TraceSeriesWriter series = dir == null ? null : series(config, dir);
        HopNames names = dns.open(nameServers);
        Function<InetAddress, String> shown = names == null ? null : names.names(dns.showIps);
        try (HopNames closedLast = names; TraceSeriesWriter closedAtTheEnd = series;
             ProbeEngine engine = ProbeEngine.create()) {
            Run run = new Run(engine, config, dir != null);
            LiveView view = null;
            if (live) {
                view = new LiveView(out, format, shown, LiveView.openTerminal(err), run);
                view.mode(firstMode);
            } else if (shown != null) {
                format = format.withNames(shown);
            }
            Progress progress = live ? null : progress(config, err);
            TraceListener others = TraceListener.all(output == Output.RAW ? MtrRaw.listener(out, shown)
                    : TraceListener.NONE, series, progress);
            try {
                if (series != null) {
                    series.rollEvery(engine, every); // below 2 ms without root: refused like -i
                }
                run.start(view, others);
            } catch (IllegalArgumentException e) {
                if (view != null) {
                    view.close();
                }
                throw new UsageException(flags(e.getMessage()), e);
            }
            // Ctrl-C ends the trace (probes in flight are left out, as mtr does); this thread prints what was
            // measured, and the status is mtr's after Ctrl-C, 130.
            Interrupts ctrlC = Interrupts.during(run::quit, Interrupts.Status.SIGNALLED);
            try {
                TraceSnapshot s = run.await();
                if (names != null) { // names for every hop in the final report, waited for briefly
                    names.lookupAll(s);
                    names.awaitPending(DnsOptions.TIMEOUT);
                }
                String text = MtrReport.format(s, format);
                String jsonText = output == Output.JSON || dir != null ? MtrJson.format(s, format) : null;
                if (dir != null) {
                    series.close();
                    OutputOption.write("--out", dir, "report.txt", text);
                    OutputOption.write("--out", dir, "report.json", jsonText + "\n");
                }
                switch (output) {
                    case JSON:
                        out.println(jsonText);
                        break;
                    case CSV:
                        out.print(MtrCsv.format(s, format));
                        break;
                    case XML:
                        out.print(MtrXml.format(s, format));
                        break;
                    case LIVE:
                        if (shown != null) {
                            view.last(s); // the last frame again, now with the names
                        }
                        view.close();
                        break;
                    case REPORT:
                        out.print(text);
                        break;
                    default: // raw: written as probes ended
                        break;
                }
                out.flush();
                return ctrlC.status(s.stop().kind() == StopReason.Kind.DESTINATION_REACHED ? 0 : 1);
            } finally {
                if (view != null) {
                    view.close(); // the terminal's mode back before a signal lets the JVM end
                }
                ctrlC.close();
            }
        }
    }

    /** The output, the last of the output options on the command line winning (mtr's rule); else live or report. */
    private Output output(boolean terminal) {
        Output chosen = null;
        for (ArgSpec a : spec.commandLine().getParseResult().matchedArgs()) {
            if (!(a instanceof OptionSpec)) {
                continue;
            }
            switch (((OptionSpec) a).longestName()) {
                case "--report":
                case "--report-wide":
                    chosen = Output.REPORT;
                    break;
                case "--curses":
                    chosen = Output.LIVE;
                    break;
                case "--json":
                    chosen = Output.JSON;
                    break;
                case "--csv":
                    chosen = Output.CSV;
                    break;
                case "--raw":
                    chosen = Output.RAW;
                    break;
                case "--xml":
                    chosen = Output.XML;
                    break;
                default:
                    break;
            }
        }
        if (chosen == Output.LIVE && !terminal) {
            throw new UsageException("-t needs a terminal for the live view, and stdout is not one (or TERM is "
                    + "dumb): use -r for the report");
        }
        if (chosen == null) {
            chosen = terminal ? Output.LIVE : Output.REPORT;
        }
        if (displayMode != null && chosen != Output.LIVE) {
            throw new UsageException("--displaymode " + displayMode + " is for the live view: leave it out with "
                    + "-r, -w, --json, --csv or --raw (or when stdout is not a terminal)");
        }
        return chosen;
    }

    private LiveView.Mode displayMode() {
        if (displayMode == null) {
            return LiveView.Mode.TABLE;
        }
        switch (displayMode.trim()) {
            case "0":
                return LiveView.Mode.TABLE;
            case "1":
                return LiveView.Mode.BLOCKMAP;
            case "2":
                return LiveView.Mode.SCALED;
            default:
                throw new UsageException("--displaymode " + displayMode + " is not a display: give 0 (table), 1 "
                        + "(block map) or 2 (scaled block map)");
        }
    }

    /**
     * The running trace, which {@code r} in the live view replaces by a new one with the same settings (mtr's
     * reset: every figure from zero); the main thread waits for whichever runs last.
     */
    private static final class Run implements LiveView.Controls {
        private final ProbeEngine engine;
        private final TraceConfig config;
        private final boolean keepsSeries;
        private LiveView view;
        private TraceListener others;
        private Tracer current;
        private boolean stopping;

        Run(ProbeEngine engine, TraceConfig config, boolean keepsSeries) {
            this.engine = engine;
            this.config = config;
            this.keepsSeries = keepsSeries;
        }

        synchronized void start(LiveView view, TraceListener others) {
            this.view = view;
            this.others = others;
            current = Tracer.start(engine, config, listener());
        }

        private TraceListener listener() {
            return view == null ? others : TraceListener.all(view.listener(), others);
        }

        /** The final figures of the trace that runs last. */
        TraceSnapshot await() {
            while (true) {
                Tracer t;
                synchronized (this) {
                    t = current;
                }
                TraceSnapshot s = t.completion().join();
                synchronized (this) {
                    if (t == current) {
                        return s;
                    }
                }
            }
        }

        @Override
        public void quit() {
            Tracer t;
            synchronized (this) {
                stopping = true;
                t = current;
            }
            t.stop();
        }

        @Override
        public synchronized void pause() {
            current.pause();
        }

        @Override
        public synchronized void resume() {
            current.resume();
        }

        @Override
        public synchronized boolean paused() {
            return current.isPaused();
        }

        @Override
        public String reset() {
            Tracer old;
            synchronized (this) {
                if (keepsSeries) {
                    return "r is off with --out: the series there keeps the whole capture";
                }
                if (stopping || current.isFinished()) {
                    return "the trace has ended: nothing to reset";
                }
                old = current;
                current = Tracer.start(engine, config, listener());
                if (old.isPaused()) {
                    current.pause();
                }
            }
            old.stop(); // its last events go to a listener the view no longer draws
            return null;
        }

        @Override
        public synchronized TraceSnapshot snapshot() {
            return current.snapshot();
        }
    }

    /**
     * Progress on stderr for a capture nobody watches (mtr prints nothing until the end): with --out, or planned
     * for a minute or more; null otherwise. On a terminal one line in place, elsewhere a line every few seconds.
     */
    private Progress progress(TraceConfig config, PrintWriter err) {
        Duration planned = planned(config);
        if (out == null && planned.compareTo(Duration.ofMinutes(1)) < 0) {
            return null;
        }
        ProgressLine line = ProgressLine.stderr(err);
        return new Progress(line, line.every(planned), planned);
    }

    /** How long the trace is planned to take: the rounds at the interval, or the duration if shorter. */
    static Duration planned(TraceConfig config) {
        Duration rounds = config.count() == 0 ? null : config.interval().multipliedBy(config.count());
        Duration d = config.duration().isZero() ? null : config.duration();
        if (rounds == null) {
            return d;
        }
        return d == null || rounds.compareTo(d) < 0 ? rounds : d;
    }

    /** Shows a progress line as rounds go out, at most once per {@code every}, and a last one at the end. */
    static final class Progress implements TraceListener {
        private final ProgressLine line;
        private final long everyNanos;
        private final Duration planned;
        private long lastNanos = System.nanoTime();

        Progress(ProgressLine line, Duration every, Duration planned) {
            this.line = line;
            this.everyNanos = every.toNanos();
            this.planned = planned;
        }

        @Override
        public synchronized void onRound(long round, TraceSnapshot snapshot) {
            long now = System.nanoTime();
            if (now - lastNanos >= everyNanos) {
                lastNanos = now;
                line.show(text(snapshot, planned));
            }
        }

        @Override
        public synchronized void onFinished(TraceSnapshot snapshot) {
            line.show(text(snapshot, planned));
            line.end();
        }

        /** e.g. {@code 01:10 elapsed, 08:50 left, round 70, 5 hops, hop 5 (10.0.0.9) 1.4% loss}. */
        static String text(TraceSnapshot s, Duration planned) {
            Duration left = s.running() ? planned.minus(s.elapsed()) : Duration.ZERO;
            StringBuilder sb = new StringBuilder(ProgressLine.clock(s.elapsed())).append(" elapsed, ")
                    .append(ProgressLine.clock(left.isNegative() ? Duration.ZERO : left)).append(" left, round ")
                    .append(s.rounds()).append(", ").append(s.hops().size())
                    .append(s.hops().size() == 1 ? " hop" : " hops");
            List<HopSnapshot> hops = s.hops();
            if (!hops.isEmpty()) {
                HopSnapshot end = hops.get(hops.size() - 1);
                sb.append(", hop ").append(end.ttl()).append(" (")
                        .append(end.host() == null ? "???" : AddressText.of(end.host())).append(") ")
                        .append(String.format(Locale.ROOT, "%.1f%% loss", end.stats().lossPercent()));
            }
            return sb.toString();
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

    /** Where probes leave from (mtr's -a and -I, or --source and --interface), read once for every target. */
    private io.pathprobe.core.VantagePoint from() {
        if (from == null) {
            from = vantage.vantagePoint("-a", address, "-I", interfaceName);
        }
        return from;
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
                    .paths(number("--paths", paths)).vantagePoint(from());
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
