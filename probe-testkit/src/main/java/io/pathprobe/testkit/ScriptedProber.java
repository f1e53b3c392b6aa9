package io.pathprobe.testkit;

import io.pathprobe.core.Availability;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.spi.ProberProvider;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A prober with no network in it, for tests of what runs on top of the engine (tracing, sessions, captures, the
 * CLI): every probe is handed to a script, which completes it at once, later, or never (the engine's timeout
 * then ends it). Always available; takes every request. Register it with
 * {@code ProbeEngine.builder().probers(Probers.of(ScriptedProber.of("icmp", call -> ...)))}; a kind of a real
 * prober ({@code icmp}, {@code udp}, {@code tcp}) stands in for it.
 */
public final class ScriptedProber implements ProberProvider {
    private final String kind;
    private final String description;
    private final Consumer<ProbeCall> script;

    private ScriptedProber(String kind, String description, Consumer<ProbeCall> script) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.description = Objects.requireNonNull(description, "description");
        this.script = Objects.requireNonNull(script, "script");
    }

    /** A prober of {@code kind} that hands each probe to {@code script}. */
    public static ScriptedProber of(String kind, Consumer<ProbeCall> script) {
        return new ScriptedProber(kind, "scripted test prober (no network)", script);
    }

    /** The same, with {@code description} as its description (what a probers listing shows). */
    public ScriptedProber describedAs(String description) {
        return new ScriptedProber(kind, description, script);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Prober create(ProberContext context) {
        return new Prober() {
            @Override
            public void validate(ProbeRequest request) {
                // every request is the script's to answer
            }

            @Override
            public void start(ProbeCall call) {
                script.accept(call);
            }
        };
    }
}
