package io.pathprobe.agent.prometheus;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.agent.quota.Quotas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code pathprobe agent --config FILE}: YAML (JSON is YAML too). Every key is optional; unknown keys are errors.
 * <pre>
 * name: eu-1
 * allow: ["203.0.113.0/24:80,443", "10.20.0.10/32"]
 * token_file: /etc/pathprobe/tokens
 * tls: {cert: agent.pem, key: agent.key, client_ca: ca.pem}
 * quotas: {concurrent_captures: 4, probes_per_second: 1000, probes_per_second_per_target: 100,
 *          capture_duration: 1h, target_ports: 64, request_body_bytes: 65536}
 * metrics: {open: false}
 * probe: {timeout_offset: 500ms, max_concurrent: 100}
 * modules:
 *   icmp_loss: {prober: icmp, packets: 20, interval: 50ms, packet_timeout: 500ms, timeout: 10s,
 *               preferred_ip_protocol: ip4}
 * continuous:
 *   - {target: 203.0.113.10, modules: [icmp], interval: 1s}
 *   - {target: "203.0.113.10:443", modules: [tcp_connect]}
 * </pre>
 * Relative paths are relative to the file's directory. {@link #read(Path)} checks everything it can without the
 * network (rules, durations, module references, cardinality) and names the line and key of the first mistake.
 */
public record ConfigFile(String name, List<String> allow, Path tokenFile, Tls tls, Quotas quotas, boolean metricsOpen,
                         Duration timeoutOffset, int maxConcurrent, Map<String, Module> modules,
                         List<ExporterConfig.Continuous> continuous) {
    private static final long MAX_BYTES = 1 << 20;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    /** TLS files: the server's certificate and key, and a client CA for mutual TLS (optional). */
    public record Tls(Path cert, Path key, Path clientCa) {
    }

    public ConfigFile {
        allow = List.copyOf(allow);
        modules = Map.copyOf(modules);
        continuous = List.copyOf(continuous);
    }

    /** What the Prometheus endpoints take from this file. */
    public ExporterConfig exporter() {
        Map<String, Module> all = new LinkedHashMap<>(Module.builtIns());
        all.putAll(modules);
        return new ExporterConfig(all, continuous, metricsOpen, timeoutOffset, maxConcurrent);
    }

    /**
     * The keys a reload cannot change (they shape who may use the agent and what it may probe, held by the
     * running server): a reload that changes them is refused, the running configuration kept.
     */
    public List<String> restartOnlyDifferences(ConfigFile other) {
        List<String> d = new ArrayList<>();
        if (!Objects.equals(name, other.name)) {
            d.add("name");
        }
        if (!allow.equals(other.allow)) {
            d.add("allow");
        }
        if (!Objects.equals(tokenFile, other.tokenFile)) {
            d.add("token_file");
        }
        if (!Objects.equals(tls, other.tls)) {
            d.add("tls");
        }
        if (!Objects.equals(quotas, other.quotas)) {
            d.add("quotas");
        }
        return d;
    }

    /**
     * Reads and checks {@code file}.
     *
     * @throws ConfigException one line: the file, the line, the key, what is wrong
     */
    public static ConfigFile read(Path file) {
        Raw raw;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file + " is larger than 1 MiB: is it the right file?", null);
            }
            raw = YAML.readValue(file.toFile(), Raw.class);
        } catch (JsonProcessingException e) {
            throw explain(file, e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (raw == null) {
            raw = new Raw(null, null, null, null, null, null, null, null, null);
        }
        try {
            return raw.build(file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    private static ConfigException explain(Path file, JsonProcessingException top) {
        for (Throwable t = top; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException y) {
                int line = y.getProblemMark() != null ? y.getProblemMark().getLine() + 1
                        : y.getContextMark() != null ? y.getContextMark().getLine() + 1 : -1;
                return new ConfigException(file + " line " + (line < 0 ? "?" : line) + ": not valid YAML: "
                        + oneLine(y.getProblem()) + (y.getContext() == null ? "" : " (" + oneLine(y.getContext())
                        + (y.getContextMark() == null ? "" : " at line " + (y.getContextMark().getLine() + 1))
                        + ")"), top);
            }
        }
        try {
            throw top;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : " (known: " + e.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
            return new ConfigException(file + " line " + keyLine(file, String.valueOf(e.getPropertyName()), line(e))
                    + ": unknown key '" + at(e.getPath()) + "'" + known, e);
        } catch (JsonMappingException e) {
            Throwable c = e.getCause();
            String why = c instanceof IllegalArgumentException && c.getMessage() != null ? c.getMessage()
                    : e.getOriginalMessage();
            String key = at(e.getPath());
            return new ConfigException(file + " line " + line(e) + (key.isEmpty() ? "" : ", key '" + key + "'") + ": "
                    + oneLine(why), e);
        } catch (JsonProcessingException e) {
            return new ConfigException(file + " line " + line(e) + ": not valid YAML: "
                    + oneLine(e.getOriginalMessage()), e);
        }
    }

    /**
     * The first line where {@code key} is written as a key: Jackson reports unknown keys of records (read through
     * their constructors) at the end of the object, not where the key is.
     */
    private static String keyLine(Path file, String key, String fallback) {
        try {
            Pattern p = Pattern.compile("(^|[\\s{,])[\"']?" + Pattern.quote(key) + "[\"']?\\s*:");
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (p.matcher(lines.get(i)).find()) {
                    return Integer.toString(i + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall back to Jackson's location
        }
        return fallback;
    }

    /** The line of the token at fault (the exception's own location is where the parser stood: often the next). */
    private static String line(JsonProcessingException e) {
        var where = e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p ? p.currentTokenLocation()
                : e.getLocation();
        return where == null || where.getLineNr() < 1 ? "?" : Integer.toString(where.getLineNr());
    }

    private static String at(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** Parses a Prometheus-style duration: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 5m}, {@code 1h}. */
    static Duration duration(String s, String key) {
        if (s == null) {
            return null;
        }
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " '" + s + "' is not a duration: write e.g. 500ms, 2s, 5m or 1h");
        }
        double v = Double.parseDouble(m.group(1));
        double nanos = v * switch (m.group(2)) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        if (nanos > 86_400e9) {
            throw new IllegalArgumentException(key + " '" + s + "' is longer than a day");
        }
        return Duration.ofNanos((long) nanos);
    }

    // ---- the file's shape, as Jackson reads it; the checks that need a key's line run in these constructors ----

    /** An allow rule, checked where it is written. */
    record Rule(String text) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Rule of(String text) {
            TargetPolicy.of(List.of(text)); // throws with the rule's problem
            return new Rule(text);
        }
    }

    record Raw(String name, List<Rule> allow, @JsonProperty("token_file") String tokenFile, RawTls tls,
               RawQuotas quotas, RawMetrics metrics, RawProbe probe, Map<String, RawModule> modules,
               List<RawContinuous> continuous) {
        ConfigFile build(Path dir) {
            Map<String, Module> mods = new LinkedHashMap<>();
            if (modules != null) {
                for (Map.Entry<String, RawModule> e : modules.entrySet()) {
                    try {
                        mods.put(e.getKey(), e.getValue().module(e.getKey()));
                    } catch (IllegalArgumentException x) {
                        throw new IllegalArgumentException("key 'modules." + e.getKey() + "': " + x.getMessage(), x);
                    }
                }
            }
            Map<String, Module> known = new LinkedHashMap<>(Module.builtIns());
            known.putAll(mods);
            List<ExporterConfig.Continuous> cont = new ArrayList<>();
            long series = 0;
            if (continuous != null) {
                for (int i = 0; i < continuous.size(); i++) {
                    RawContinuous c = continuous.get(i);
                    String key = "key 'continuous[" + i + "]";
                    if (c.target == null || c.target.isBlank()) {
                        throw new IllegalArgumentException(key + ".target' is missing");
                    }
                    List<String> ms = c.modules == null || c.modules.isEmpty() ? List.of("icmp") : c.modules;
                    for (String m : ms) {
                        Module mod = known.get(m);
                        if (mod == null) {
                            throw new IllegalArgumentException(key + ".modules': unknown module '" + m + "' (known: "
                                    + String.join(", ", known.keySet()) + ")");
                        }
                        if (mod.prober() == Module.Prober.MTR) {
                            throw new IllegalArgumentException(key + ".modules': module '" + m + "' is a trace;"
                                    + " continuous probes are icmp or tcp (scrape traces through /probe)");
                        }
                        if (mod.prober() == Module.Prober.TCP && !Targets.hasPort(c.target)) {
                            throw new IllegalArgumentException(key + ".target': '" + c.target + "' needs a port"
                                    + " for module '" + m + "' (HOST:PORT, [v6]:PORT)");
                        }
                    }
                    Duration iv = duration(c.interval, "continuous[" + i + "].interval");
                    iv = iv == null ? Duration.ofSeconds(1) : iv;
                    if (iv.compareTo(Duration.ofMillis(10)) < 0) {
                        throw new IllegalArgumentException(key + ".interval' must be at least 10ms");
                    }
                    series += ms.size();
                    cont.add(new ExporterConfig.Continuous(c.target.trim(), ms, iv));
                }
            }
            if (series > ExporterConfig.MAX_SERIES) {
                throw new IllegalArgumentException("key 'continuous': " + series + " series (targets x modules) is"
                        + " more than " + ExporterConfig.MAX_SERIES + "; /metrics must stay scrapeable");
            }
            Tls t = tls == null ? null : tls.tls(dir);
            Duration offset = probe == null || probe.timeoutOffset == null ? ExporterConfig.DEFAULT_OFFSET
                    : duration(probe.timeoutOffset, "probe.timeout_offset");
            int maxConc = probe == null || probe.maxConcurrent == null ? 100 : probe.maxConcurrent;
            if (maxConc < 1) {
                throw new IllegalArgumentException("key 'probe.max_concurrent' must be at least 1");
            }
            return new ConfigFile(name, allow == null ? List.of() : allow.stream().map(Rule::text).toList(),
                    tokenFile == null ? null : dir.resolve(tokenFile), t, quotas == null ? Quotas.defaults()
                    : quotas.quotas(), metrics != null && Boolean.TRUE.equals(metrics.open), offset, maxConc, mods,
                    cont);
        }
    }

    record RawTls(String cert, String key, @JsonProperty("client_ca") String clientCa) {
        Tls tls(Path dir) {
            if (cert == null || key == null) {
                throw new IllegalArgumentException("key 'tls' needs both 'cert' and 'key'");
            }
            return new Tls(dir.resolve(cert), dir.resolve(key), clientCa == null ? null : dir.resolve(clientCa));
        }
    }

    record RawMetrics(Boolean open) {
    }

    record RawProbe(@JsonProperty("timeout_offset") String timeoutOffset,
                    @JsonProperty("max_concurrent") Integer maxConcurrent) {
        RawProbe {
            duration(timeoutOffset, "timeout_offset");
        }
    }

    record RawQuotas(@JsonProperty("concurrent_captures") Integer concurrentCaptures,
                     @JsonProperty("probes_per_second") Double probesPerSecond,
                     @JsonProperty("probes_per_second_per_target") Double probesPerSecondPerTarget,
                     @JsonProperty("capture_duration") String captureDuration,
                     @JsonProperty("target_ports") Integer targetPorts,
                     @JsonProperty("request_body_bytes") Long requestBodyBytes) {
        RawQuotas {
            quotas0(concurrentCaptures, probesPerSecond, probesPerSecondPerTarget, captureDuration, targetPorts,
                    requestBodyBytes);
        }

        Quotas quotas() {
            return quotas0(concurrentCaptures, probesPerSecond, probesPerSecondPerTarget, captureDuration, targetPorts,
                    requestBodyBytes);
        }

        private static Quotas quotas0(Integer cc, Double pps, Double ppt, String dur, Integer tp, Long body) {
            Quotas.Builder b = Quotas.defaults().toBuilder();
            if (cc != null) {
                b.concurrentCaptures(cc);
            }
            if (pps != null) {
                b.probesPerSecond(pps);
            }
            if (ppt != null) {
                b.probesPerSecondPerTarget(ppt);
            }
            if (dur != null) {
                b.captureDuration(duration(dur, "capture_duration"));
            }
            if (tp != null) {
                b.targetPorts(tp);
            }
            if (body != null) {
                b.requestBodyBytes(body);
            }
            return b.build();
        }
    }

    record RawModule(String prober, Integer packets, String interval, @JsonProperty("packet_timeout") String packetTimeout,
                     String timeout, @JsonProperty("preferred_ip_protocol") String preferredIpProtocol,
                     @JsonProperty("max_ttl") Integer maxTtl) {
        RawModule {
            if (prober == null) {
                throw new IllegalArgumentException("'prober' is missing (icmp, tcp or mtr)");
            }
            Module.Prober.parse(prober);
            duration(interval, "interval");
            duration(packetTimeout, "packet_timeout");
            duration(timeout, "timeout");
            family(preferredIpProtocol);
        }

        Module module(String name) {
            Module.Prober p = Module.Prober.parse(prober);
            Module base = Module.builtIns().get(p == Module.Prober.ICMP ? "icmp" : p == Module.Prober.TCP
                    ? "tcp_connect" : "mtr");
            return new Module(name, p, packets == null ? base.packets() : packets,
                    interval == null ? base.interval() : duration(interval, "interval"),
                    packetTimeout == null ? base.packetTimeout() : duration(packetTimeout, "packet_timeout"),
                    timeout == null ? base.timeout() : duration(timeout, "timeout"), family(preferredIpProtocol),
                    maxTtl == null ? base.maxTtl() : maxTtl);
        }

        private static int family(String s) {
            if (s == null) {
                return 0;
            }
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "ip4", "ipv4" -> 4;
                case "ip6", "ipv6" -> 6;
                default -> throw new IllegalArgumentException("preferred_ip_protocol '" + s + "' must be ip4 or ip6");
            };
        }
    }

    record RawContinuous(String target, List<String> modules, String interval) {
    }
}
