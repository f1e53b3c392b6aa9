package io.pathprobe.core;

import io.pathprobe.core.spi.ProberProvider;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The probers found on the class path with {@link ServiceLoader}, by kind. */
public final class Probers {
    private final Map<String, ProberProvider> providers;

    private Probers(Map<String, ProberProvider> providers) {
        this.providers = Collections.unmodifiableMap(providers);
    }

    /** The providers visible to {@code loader}. Two providers of one kind are a packaging error. */
    public static Probers load(ClassLoader loader) {
        Map<String, ProberProvider> found = new TreeMap<>();
        for (ProberProvider p : ServiceLoader.load(ProberProvider.class, loader)) {
            ProberProvider prev = found.putIfAbsent(p.kind(), p);
            if (prev != null) {
                throw new IllegalStateException("two probers claim kind '" + p.kind() + "': "
                        + prev.getClass().getName() + " and " + p.getClass().getName() + "; remove one from the class path");
            }
        }
        return new Probers(found);
    }

    /** The providers visible to this class's loader. */
    public static Probers load() {
        return load(Probers.class.getClassLoader());
    }

    /** Builds from explicit providers (for embedding without ServiceLoader). */
    public static Probers of(ProberProvider... list) {
        Map<String, ProberProvider> m = new TreeMap<>();
        for (ProberProvider p : list) {
            if (m.putIfAbsent(p.kind(), p) != null) {
                throw new IllegalArgumentException("two probers claim kind '" + p.kind() + "'");
            }
        }
        return new Probers(m);
    }

    /** Kinds found, sorted. */
    public java.util.Set<String> kinds() {
        return providers.keySet();
    }

    /**
     * The provider of {@code kind}.
     *
     * @throws IllegalArgumentException when no prober of that kind is on the class path, listing those that are
     */
    public ProberProvider get(String kind) {
        ProberProvider p = providers.get(kind);
        if (p == null) {
            throw new IllegalArgumentException("unknown probe kind '" + kind + "': available kinds are "
                    + (providers.isEmpty() ? "none (no prober module on the class path)" : String.join(", ", providers.keySet())));
        }
        return p;
    }
}
