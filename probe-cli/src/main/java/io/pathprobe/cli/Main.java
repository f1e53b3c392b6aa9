package io.pathprobe.cli;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProberUnavailableException;
import io.pathprobe.nativeio.NativeIo;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.SocketConstants;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The {@code pathprobe} command line tool. */
@Command(name = "pathprobe", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Network path probes on one engine: TCP connect, ICMP echo (ping), mtr-style traces, ticket captures for a "
                + "load balancer that clients cannot reach, and backend host checks.",
        footer = {"", "New here? Run 'pathprobe demo'."})
public final class Main implements Callable<Integer> {
    /** Exit status for bad input, as picocli uses it. */
    static final int USAGE = 2;
    /** Exit status for a bug or an unexpected failure. */
    static final int INTERNAL = 3;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of internal errors.")
    boolean debug;

    @Spec
    CommandSpec spec;

    /**
     * The subcommands in the order help lists them. They are added to the model in code rather than in
     * {@code @Command(subcommands)} so that a run builds only the model of the command it runs: picocli reads a
     * command's annotations by reflection, and reading all of them is a tenth of a second at start.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(TcpCommand.class, PingCommand.class, FpingCommand.class,
            MtrCommand.class, TicketCommand.class, AgentCommand.class, AgentsCommand.class, HostcheckCommand.class,
            ProbersCommand.class, ProbeCommand.class, DemoCommand.class, CommandLine.HelpCommand.class);

    /** Netty's logger, held so that the level set on it is not lost when the logger is garbage collected. */
    private static Logger nettyLog;

    public static void main(String[] args) {
        // The native warm-up first, before even the command is known: binding libc is the longest step before a
        // probe can start (about 0.1 s of code generation, where this thread needs half that to build the command),
        // and reading the commands' annotations or starting java.util.logging here first cost 10-20 ms each before
        // it. A run that sends nothing (help, agents, a mistyped name) leaves it to end unused on the other core.
        if (mayProbe(args)) {
            warmNativeLayer(args);
        }
        Class<?> only = invoked(args);
        Interrupts.handleSigintEvenIfInheritedIgnored();
        // The JDK reads its time-zone data on first use; do it now, before probes may hold every file descriptor
        // the process is allowed (ulimit -n): the engine then holds probes back, but a JDK file it cannot open fails.
        java.time.ZoneId.systemDefault().getRules();
        Charset cs = Charset.defaultCharset();
        // Straight to the file descriptor, not System.out (which swallows errors): a closed pipe must be noticed.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), cs), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, cs), true);
        CommandLine command = commandLine(out, err, only);
        quietNetty(args); // before the command loads Netty; the warm-up has done it by now (or this waits for it)
        System.exit(command.execute(args));
    }

    /** Whether {@code args} may run a subcommand that probes: their first word that is not an option, unless help. */
    static boolean mayProbe(String[] args) {
        String first = firstWord(args);
        return first != null && !first.equals("help");
    }

    /** The first of {@code args} that is not an option, or null. */
    private static String firstWord(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /**
     * Netty's warnings (e.g. no MAC address for its machine id inside a network namespace) are for library
     * developers; a command-line user sees outcomes and one-line errors instead, unless {@code --debug}. Once, before
     * this process loads Netty: first thing on the warm-up thread (starting java.util.logging there, 10-20 ms, rather
     * than on the main thread, which builds the command meanwhile), and on the main thread before it runs the
     * command, which waits here if the warm-up is still at it.
     */
    private static synchronized void quietNetty(String[] args) {
        if (nettyLog == null && !Arrays.asList(args).contains("--debug")) {
            nettyLog = Logger.getLogger("io.netty");
            nettyLog.setLevel(Level.SEVERE);
        }
    }

    /** Runs the tool with {@code args}, writing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err, invoked(args)).execute(args);
    }

    /** The configured command line with every subcommand: one-line errors, exit statuses as documented. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /**
     * The subcommand {@code args} run, by the name or alias of their first word that is not an option, or {@code null}
     * when they run none, {@code help}, or a name that is not a subcommand (those need every subcommand: to list them,
     * to show one's help, to suggest the nearest name).
     */
    static Class<?> invoked(String[] args) {
        for (String a : args) {
            if (a.startsWith("-")) {
                continue;
            }
            for (Class<?> c : SUBCOMMANDS) {
                Command command = c.getAnnotation(Command.class);
                if (c != CommandLine.HelpCommand.class
                        && (command.name().equals(a) || Arrays.asList(command.aliases()).contains(a))) {
                    return c;
                }
            }
            return null;
        }
        return null;
    }

    /** The command line with subcommand {@code only}, or with all when {@code null}. */
    private static CommandLine commandLine(PrintWriter out, PrintWriter err, Class<?> only) {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : SUBCOMMANDS) {
            if (only == null || c == only) {
                cl.addSubcommand(c);
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Main::badParameters);
        cl.setExecutionExceptionHandler(Main::failed);
        return cl;
    }

    /**
     * Binds libc and loads Netty's epoll library on another thread while this one builds the command model: both are
     * a tenth of a second of class loading and code generation at start, and a second core is usually idle then. A
     * command that needs them first waits on their class initialisation, which the JVM makes safe.
     */
    static void warmNativeLayer(String[] args) {
        boolean connectsOnly = "tcp".equals(firstWord(args));
        Thread t = new Thread(() -> {
            quietNetty(args); // java.util.logging's start, off the main thread
            NativeIo.support(); // libc's socket calls only: no Netty class is loaded by it
            ProbeEngine.epollUnavailabilityCause();
            if (!connectsOnly) {
                NativeIo.bindAll(); // the rest of libc (datagrams, message batches): tcp's connects never need it
            }
        }, "pathprobe-warm-native");
        t.setDaemon(true);
        t.start();
    }

    /** {@code pathprobe} alone: show what it can do. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    private static int badParameters(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + oneLine(ex.getMessage()) + "; see '" + name + " --help'");
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput(); // USAGE unless a command says (fping: 3)
    }

    private static int failed(Exception ex, CommandLine cmd, ParseResult parsed) {
        String name = cmd.getCommandSpec().qualifiedName();
        PrintWriter err = cmd.getErr();
        NativeIoException denied = permissionDenied(ex);
        if (ex instanceof UsageException || ex instanceof IllegalArgumentException
                || ex instanceof ProberUnavailableException || denied != null) {
            err.println(name + ": " + oneLine(denied != null ? denied.getMessage() : ex.getMessage()));
            if (debugRequested(parsed)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ex instanceof UsageException || ex instanceof IllegalArgumentException
                    ? cmd.getCommandSpec().exitCodeOnInvalidInput() : systemFailure(cmd, USAGE);
        }
        if (debugRequested(parsed)) {
            ex.printStackTrace(err);
        } else {
            err.println(name + ": internal error: " + oneLine(String.valueOf(ex))
                    + " (run again with --debug to see where)");
        }
        err.flush();
        return systemFailure(cmd, INTERNAL);
    }

    /** A command's own status for a failure of the system (fping: 4), else {@code fallback}. */
    private static int systemFailure(CommandLine cmd, int fallback) {
        int own = cmd.getCommandSpec().exitCodeOnExecutionException();
        return own != CommandLine.ExitCode.SOFTWARE ? own : fallback;
    }

    /**
     * The EPERM/EACCES behind {@code ex}, if any: missing privileges (e.g. entering a network namespace without
     * CAP_SYS_ADMIN) are the user's to fix, and the native layer's message already names the fix.
     */
    private static NativeIoException permissionDenied(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof NativeIoException) {
                NativeIoException n = (NativeIoException) t;
                return n.errno() == SocketConstants.EPERM || n.errno() == SocketConstants.EACCES ? n : null;
            }
        }
        return null;
    }

    /** Whether --debug was given on any command of the chain (it is inherited). */
    private static boolean debugRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String message) {
        String m = message == null ? "unknown error" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }

    /** The version this jar was built as, e.g. {@code 0.1.0}. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code --version}: the tool, the JVM and the network transport in use. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String epoll = ProbeEngine.epollUnavailabilityCause();
            return new String[] {
                "pathprobe " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                "network transport: " + (epoll.isEmpty() ? "epoll" : "nio (epoll unavailable: " + epoll + ")"),
            };
        }
    }
}
