package io.pathprobe.agent.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser of Prometheus's text exposition format (0.0.4) for tests: HELP/TYPE comments, samples with label sets
 * (escapes {@code \\ \" \n} in values), values including NaN and ±Inf, optional timestamps. Throws on anything
 * malformed, so a test fails on output Prometheus would refuse.
 */
final class PromText {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private PromText() {
    }

    static Map<String, Family> parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] p = line.split(" ", 4);
                if (p.length >= 3 && p[1].equals("TYPE")) {
                    if (p.length != 4 || !p[3].matches("counter|gauge|histogram|summary|untyped")) {
                        throw new IllegalArgumentException("line " + n + ": bad TYPE: " + line);
                    }
                    if (types.put(name(p[2], n), p[3]) != null) {
                        throw new IllegalArgumentException("line " + n + ": second TYPE for " + p[2]);
                    }
                } else if (p.length >= 3 && p[1].equals("HELP")) {
                    helps.put(name(p[2], n), p.length == 4 ? p[3] : "");
                }
                continue;
            }
            Sample s = sample(line, n);
            samples.computeIfAbsent(family(s.name(), types), k -> new ArrayList<>()).add(s);
        }
        Map<String, Family> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            out.put(e.getKey(), new Family(e.getKey(), types.getOrDefault(e.getKey(), "untyped"),
                    helps.get(e.getKey()), e.getValue()));
        }
        return out;
    }

    private static String family(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if ("histogram".equals(types.get(base)) || "summary".equals(types.get(base))) {
                    return base;
                }
            }
        }
        return sample;
    }

    private static String name(String s, int line) {
        if (!s.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("line " + line + ": bad metric name '" + s + "'");
        }
        return s;
    }

    private static Sample sample(String line, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = name(line.substring(0, i), n);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    throw new IllegalArgumentException("line " + n + ": bad label name '" + label + "'");
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("line " + n + ": label value not quoted");
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char e = line.charAt(++j);
                        v.append(switch (e) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new IllegalArgumentException("line " + n + ": bad escape \\" + e);
                        });
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(label, v.toString()) != null) {
                    throw new IllegalArgumentException("line " + n + ": label " + label + " twice");
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("line " + n + ": expected a value and maybe a timestamp: " + line);
        }
        double value = switch (rest[0]) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(rest[0]);
        };
        return new Sample(name, labels, value);
    }

    /** The one sample of {@code family} whose labels include {@code labels} (name, value pairs). */
    static Sample one(Map<String, Family> m, String family, String... labels) {
        Family f = m.get(family);
        if (f == null) {
            throw new AssertionError("no metric " + family + " in " + m.keySet());
        }
        List<Sample> hits = new ArrayList<>();
        for (Sample s : f.samples()) {
            boolean ok = true;
            for (int k = 0; k < labels.length; k += 2) {
                ok &= labels[k + 1].equals(s.labels().get(labels[k]));
            }
            if (ok) {
                hits.add(s);
            }
        }
        if (hits.size() != 1) {
            throw new AssertionError(hits.size() + " samples of " + family + " with " + List.of(labels) + ": "
                    + f.samples());
        }
        return hits.get(0);
    }
}
