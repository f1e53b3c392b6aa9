package io.pathprobe.ticket.agent;

import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.ticket.internal.Addresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of {@code --vantage} forms: this host's ({@code local}, {@code src:ADDR}, {@code dev:IFACE},
 * {@code netns:NAME}, combined as {@code netns:NAME,src:ADDR}) and those of every {@link VantageFactory} on the
 * class path (e.g. {@code agent:https://HOST:PORT}).
 */
public final class Vantages {
    private Vantages() {
    }

    /**
     * The agent {@code spec} names.
     *
     * @throws IllegalArgumentException when no form fits or the value is malformed, naming the accepted forms
     */
    public static ProbeAgent parse(String spec, AgentCredentials credentials) {
        return factory(spec).create(spec.trim(), credentials == null ? AgentCredentials.none() : credentials);
    }

    /**
     * Every agent {@code spec} names: one for most forms, every matching agent for a selector form such as
     * {@code nats:region=eu} ({@link VantageFactory#createAll}).
     *
     * @throws IllegalArgumentException when no form fits, the value is malformed, or a selector matches nothing
     */
    public static List<ProbeAgent> parseAll(String spec, AgentCredentials credentials) {
        return factory(spec).createAll(spec.trim(), credentials == null ? AgentCredentials.none() : credentials);
    }

    private static VantageFactory factory(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("a vantage point needs a value: " + String.join(", ", forms()));
        }
        String s = spec.trim();
        for (VantageFactory f : factories()) {
            if (f.accepts(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("vantage point '" + spec + "' is not understood; use "
                + String.join(", ", forms()));
    }

    /** Every accepted form. */
    public static List<String> forms() {
        List<String> forms = new ArrayList<>();
        for (VantageFactory f : factories()) {
            forms.addAll(f.forms());
        }
        return forms;
    }

    private static List<VantageFactory> factories() {
        List<VantageFactory> all = new ArrayList<>();
        all.add(new HostForms());
        ServiceLoader.load(VantageFactory.class, Vantages.class.getClassLoader()).forEach(all::add);
        return all;
    }

    /** This host's forms. */
    static final class HostForms implements VantageFactory {
        @Override
        public List<String> forms() {
            return List.of("local", "src:ADDR (or an address)", "dev:IFACE", "netns:NAME", "netns:NAME,src:ADDR");
        }

        @Override
        public boolean accepts(String spec) {
            String first = spec.split(",")[0].trim();
            return first.equals("local") || first.startsWith("netns:") || first.startsWith("src:")
                    || first.startsWith("dev:") || first.startsWith("if:") || Addresses.literal(first) != null;
        }

        @Override
        public ProbeAgent create(String spec, AgentCredentials credentials) {
            String ns = null;
            Optional<InetAddress> src = Optional.empty();
            Optional<String> dev = Optional.empty();
            for (String part : spec.split(",")) {
                String p = part.trim();
                if (p.equals("local")) {
                    continue;
                }
                if (p.startsWith("netns:")) {
                    ns = p.substring(6);
                    io.pathprobe.nativeio.NetworkNamespaces.path(ns); // checks the name's form
                } else if (p.startsWith("src:")) {
                    src = Optional.of(Addresses.require(p.substring(4), "vantage point source"));
                } else if (p.startsWith("dev:") || p.startsWith("if:")) {
                    dev = Optional.of(p.substring(p.indexOf(':') + 1));
                } else if (Addresses.literal(p) != null) {
                    src = Optional.of(Addresses.literal(p));
                } else {
                    throw new IllegalArgumentException("vantage point '" + spec + "': '" + p + "' is not understood;"
                            + " use " + String.join(", ", forms()));
                }
            }
            LocalAgent.Builder b = LocalAgent.builder().binding(new LocalVantagePoint(src, dev));
            if (ns != null) {
                b.namespace(ns);
            }
            return b.build();
        }
    }
}
