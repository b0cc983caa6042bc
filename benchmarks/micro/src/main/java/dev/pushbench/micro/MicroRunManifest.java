package dev.pushbench.micro;

import dev.pushbench.core.Environment;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.RunManifest;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

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
    static final List<String> STATUSES = List.of(RunManifest.COMPLETE, RunManifest.FAILED);

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
        double end = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        RunManifest manifest = new RunManifest(runDir.toAbsolutePath().normalize().getFileName().toString(), status,
                instant("startedAt", startedAt), instant("finishedAt", finishedAt),
                new RunManifest.ScenarioInfo(SCENARIO_NAME, DESCRIPTION, null, null),
                Environment.git(), Environment.jdk(), Environment.os(), Runtime.getRuntime().availableProcessors(),
                null, null, null, null, null, List.of(), null, null,
                new RunManifest.LoadAverage(loadAverage(loadAverageAtStart), end < 0 ? null : Math.round(end * 100) / 100.0),
                new RunManifest.Jmh("jmh.json", jmhOptions,
                        "indicative figures, not publication grade: one fork, short warm-up and measurement"));
        Path file = runDir.resolve("run.json");
        JsonFiles.write(file, manifest);
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
}
