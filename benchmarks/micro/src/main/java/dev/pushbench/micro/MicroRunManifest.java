package dev.pushbench.micro;

import dev.pushbench.core.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code run.json} for a run directory of micro-benchmarks, so that {@code pushbench report}
 * and {@code results/index.html} list it beside scenario runs: the run's id and times, the JDK, OS
 * and cores it ran on, and the JMH settings; no cells ({@code jmh.json} holds the scores).
 *
 * <pre>
 *   java -cp benchmarks/micro/target/benchmarks.jar dev.pushbench.micro.MicroRunManifest \
 *       RUN_DIR STATUS STARTED_AT FINISHED_AT "JMH options" [LOAD_AVERAGE_AT_START]
 * </pre>
 * {@code STATUS} is {@code complete} (JMH ran every benchmark) or {@code failed}; times are
 * ISO-8601 instants ({@code 2025-11-25T15:30:00Z}), as in the runner's run.json. The system's
 * one-minute load average at the start (given) and at the end (read here) are kept beside the
 * scores: on a machine busy with other work, micro-benchmark figures mean little.
 */
public final class MicroRunManifest {
    static final String SCENARIO_NAME = "micro";
    static final String DESCRIPTION = "JMH micro-benchmarks (short settings)";
    static final List<String> STATUSES = List.of("complete", "failed");

    private MicroRunManifest() {
    }

    public static void main(String[] args) {
        if (args.length < 5 || args.length > 6) {
            System.err.println("usage: MicroRunManifest RUN_DIR STATUS STARTED_AT FINISHED_AT JMH_OPTIONS [LOAD_AVERAGE_AT_START]"
                    + " (got " + args.length + " arguments)");
            System.exit(2);
        }
        try {
            Path file = write(Path.of(args[0]), args[1], args[2], args[3], args[4], args.length > 5 ? args[5] : null);
            System.err.println("wrote " + file);
        } catch (IllegalArgumentException e) {
            System.err.println("MicroRunManifest: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Writes {@code runDir/run.json} and returns its path. */
    static Path write(Path runDir, String status, String startedAt, String finishedAt, String jmhOptions,
            String loadAverageAtStart) {
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException("run directory must exist, got " + runDir);
        }
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + STATUSES + ", got '" + status + "'");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", runDir.toAbsolutePath().normalize().getFileName().toString());
        m.put("status", status);
        m.put("startedAt", instant("startedAt", startedAt));
        m.put("finishedAt", instant("finishedAt", finishedAt));
        Map<String, Object> scenario = new LinkedHashMap<>();
        scenario.put("name", SCENARIO_NAME);
        scenario.put("description", DESCRIPTION);
        m.put("scenario", scenario);
        m.put("git", Environment.git());
        m.put("jdk", Environment.jdk());
        m.put("os", Environment.os());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("start", loadAverage(loadAverageAtStart));
        double end = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        load.put("end", end < 0 ? null : Math.round(end * 100) / 100.0);
        m.put("loadAverage", load);
        Map<String, Object> jmh = new LinkedHashMap<>();
        jmh.put("file", "jmh.json");
        jmh.put("options", jmhOptions);
        jmh.put("note", "indicative figures, not publication grade: one fork, short warm-up and measurement");
        m.put("jmh", jmh);
        m.put("cells", List.of());
        Path file = runDir.resolve("run.json");
        try {
            Files.writeString(file, toJson(m, "") + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** The given load average as a number, or null when unknown ("unknown", empty or absent). */
    private static Double loadAverage(String value) {
        if (value == null || value.isEmpty() || value.equals("unknown")) {
            return null;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the load average at start must be a number or 'unknown', got '" + value + "'");
        }
    }

    private static String instant(String name, String value) {
        try {
            return Instant.parse(value).toString();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2025-11-25T15:30:00Z, got '"
                    + value + "'");
        }
    }

    static String toJson(Object value, String indent) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return "{}";
            }
            String inner = indent + "  ";
            StringBuilder b = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                b.append(inner).append(quote(String.valueOf(e.getKey()))).append(" : ").append(toJson(e.getValue(), inner));
                b.append(++i < map.size() ? ",\n" : "\n");
            }
            return b.append(indent).append('}').toString();
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return "[]";
            }
            String inner = indent + "  ";
            StringBuilder b = new StringBuilder("[\n");
            for (int i = 0; i < list.size(); i++) {
                b.append(inner).append(toJson(list.get(i), inner)).append(i + 1 < list.size() ? ",\n" : "\n");
            }
            return b.append(indent).append(']').toString();
        }
        return quote(value.toString());
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
