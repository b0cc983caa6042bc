package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything a run's report shows, read from its directory and nothing else: the manifest, one
 * {@link CellRow} per cell in run.json's order, and run-level notes. {@link #describe()} renders
 * this model as plain text, which the golden-file test seals, so a change in what the report shows is
 * always deliberate. {@code proxies} is the "Through a proxy" section, empty for a run without proxied cells;
 * {@code recovery} the "Recovery" section, empty without faults; {@code links} the emulated links cells crossed;
 * {@code twoWay} the "Two-way" section, empty when no cell's subscribers published; {@code capacity} the "Capacity"
 * section, empty when no cell ran a capacity search; {@code agents} the "Load agents" section, empty when no cell ran on
 * a cluster's load agents.
 *
 * <pre>
 *   RunReport report = RunReport.read(Path.of("results/20261125-153000-quick"));
 *   report.banner();      // null for a complete run, else why its results are partial
 * </pre>
 */
record RunReport(String runId, RunInfo manifest, List<CellRow> cells, boolean hasScenarioYaml,
                 MicroBenchmarks micro, List<String> notes, ThroughProxy proxies, Recovery recovery, Links links,
                 TwoWay twoWay, CapacitySection capacity, LoadAgentsSection agents) {

    static final String CELLS_DIR = "cells";
    static final String SCENARIO_FILE = "scenario.yaml";

    /** Why a run's results should not be read as complete; {@code kind} is also the banner's CSS class. */
    record Banner(String kind, String text) {
    }

    /**
     * @throws IllegalArgumentException when {@code runDir} is not a directory holding run.json
     */
    static RunReport read(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException("runDir must be a run directory, got " + runDir
                    + " (" + (Files.exists(runDir) ? "not a directory" : "does not exist") + ")");
        }
        if (!Files.exists(runDir.resolve(RunInfo.FILE))) {
            throw new IllegalArgumentException("runDir must hold " + RunInfo.FILE + ", none in " + runDir);
        }
        RunInfo manifest = RunInfo.read(runDir);
        Set<String> notes = new LinkedHashSet<>(manifest.problems());
        Path cellsDir = runDir.resolve(CELLS_DIR);
        List<String> found = cellDirectories(cellsDir, notes);

        List<String> order = new ArrayList<>();
        if (manifest.cells() != null) {
            for (String name : manifest.cells()) {
                if (order.contains(name)) {
                    notes.add("run.json lists cell \"" + name + "\" more than once");
                } else {
                    order.add(name);
                }
            }
        } else if (!found.isEmpty()) {
            notes.add("run.json lists no cells; the rows are the directories found in cells/");
        }
        List<CellRow> cells = new ArrayList<>();
        for (String name : order) {
            cells.add(CellRow.read(cellsDir, name, List.of()));
        }
        for (String name : found) {
            if (!order.contains(name)) {
                cells.add(CellRow.read(cellsDir, name,
                        manifest.cells() == null ? List.of() : List.of("not listed in run.json")));
            }
        }
        String runId = manifest.runId() != null ? manifest.runId() : runDir.getFileName().toString();
        return new RunReport(runId, manifest, List.copyOf(cells),
                Files.isRegularFile(runDir.resolve(SCENARIO_FILE)), MicroBenchmarks.read(runDir), List.copyOf(notes),
                ThroughProxy.of(runDir, cells), Recovery.of(cells), Links.of(cells), TwoWay.of(cells),
                CapacitySection.of(runDir, cells), LoadAgentsSection.of(cells));
    }

    /** Which configuration is best on latency, CPU and memory, computed from the cells' figures. */
    Verdict verdict() {
        return Verdict.of(cells);
    }

    /** True for a run of micro-benchmarks only: it holds jmh.json and no cells. */
    boolean isMicroOnly() {
        return micro != null && cells.isEmpty();
    }

    String scenarioName() {
        return manifest.scenarioName();
    }

    /** True unless run.json says complete and every cell has a summary. */
    boolean isPartial() {
        return !"complete".equals(manifest.status()) || count(CellState.NOT_RUN) > 0;
    }

    /** The run's status as shown: {@code complete}, {@code interrupted (partial)}, {@code unknown (partial)}. */
    String statusLabel() {
        String status = manifest.status() == null ? "unknown" : manifest.status();
        return isPartial() ? status + " (partial)" : status;
    }

    /** {@code null} for a complete run whose cells all have summaries. */
    Banner banner() {
        int total = cells.size();
        int withResults = total - count(CellState.NOT_RUN);
        String have = withResults + " of " + total + " cells have results; the others show \u201cnot run\u201d.";
        String status = manifest.status();
        if (status == null) {
            return new Banner("partial", "Partial results: run.json records no status, so this run may not have"
                    + " finished. " + have);
        }
        return switch (status) {
            case "complete" -> withResults == total ? null : new Banner("partial",
                    "Incomplete: run.json says complete, but " + (total - withResults) + " of " + total
                            + " cells have no summary.json.");
            case "interrupted" -> new Banner("partial", "Partial results: this run was interrupted. " + have);
            case "running" -> new Banner("partial", "Partial results: this run was still running when this"
                    + " report was built; build it again when the run ends. " + have);
            case "failed" -> new Banner("failed", "This run failed. " + have);
            default -> new Banner("partial", "Partial results: run.json records the status \u201c" + status
                    + "\u201d, which this report does not know. " + have);
        };
    }

    int count(CellState state) {
        return (int) cells.stream().filter(c -> c.state() == state).count();
    }

    Map<CellState, Integer> counts() {
        Map<CellState, Integer> counts = new EnumMap<>(CellState.class);
        for (CellState state : CellState.values()) {
            counts.put(state, count(state));
        }
        return counts;
    }

    private static List<String> cellDirectories(Path cellsDir, Set<String> notes) {
        if (!Files.isDirectory(cellsDir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(cellsDir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            notes.add("cannot list cells/: " + e);
            return List.of();
        } catch (UncheckedIOException e) {
            notes.add("cannot list cells/: " + e.getCause());
            return List.of();
        }
    }

    /**
     * The model as text, one fact per line, each figure as shown and as stored
     * ({@code p50 700 µs [700]}), for the golden-file test and for reading a run without a browser.
     */
    String describe() {
        StringBuilder out = new StringBuilder();
        RunInfo m = manifest;
        line(out, "", "run", runId);
        line(out, "", "scenario", m.scenarioName());
        line(out, "", "description", m.description());
        line(out, "", "status", statusLabel());
        Banner banner = banner();
        line(out, "", "banner", banner == null ? null : banner.kind() + ": " + banner.text());
        line(out, "", "started", m.startedAt());
        line(out, "", "finished", m.finishedAt());
        line(out, "", "scenario file", m.scenarioFile());
        line(out, "", "scenario.yaml", hasScenarioYaml ? "present" : "absent");
        line(out, "", "resolved scenario", m.resolvedScenarioJson() == null ? null : "present");
        line(out, "", "git", m.gitCommit() == null ? null
                : m.gitCommit() + (Boolean.TRUE.equals(m.gitDirty()) ? " (dirty)" : ""));
        line(out, "", "jdk", join(m.jdkVersion(), m.jdkVendor(), m.jdkVm()));
        line(out, "", "os", join(m.osName(), m.osVersion(), m.osArch()));
        line(out, "", "cores", m.cores() == null ? null : m.cores().toString());
        line(out, "", "memory", m.memoryBytes() == null ? null
                : Format.bytes(m.memoryBytes()) + " [" + m.memoryBytes() + "]");
        if (m.libraries() != null) {
            m.libraries().forEach((library, version) -> line(out, "", "library " + library, version));
        }
        line(out, "", "workload", m.workload().describe());
        line(out, "", "clock check", m.clockOk() == null ? null
                : (m.clockOk() ? "ok" : "FAILED") + " " + join(m.clockMethod(), m.clockDetail()));
        for (String note : notes) {
            line(out, "", "note", note);
        }
        line(out, "", "cells", counts().entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .map(e -> e.getValue() + " " + e.getKey().label())
                .reduce((a, b) -> a + ", " + b).orElse("none"));
        out.append(verdict().describe());
        if (micro != null) {
            out.append(micro.describe());
        }
        out.append(proxies.describe());
        out.append(links.describe());
        out.append(recovery.describe());
        out.append(twoWay.describe());
        out.append(capacity.describe());
        out.append(agents.describe());
        for (CellRow cell : cells) {
            out.append('\n');
            line(out, "", "cell", cell.name());
            line(out, "  ", "stack / transport / protocol", cell.stack() + " / " + cell.transport() + " / "
                    + cell.protocol());
            if (cell.pathNote() != null) {
                line(out, "  ", "path", cell.pathNote());
            }
            if (cell.shaped()) {
                line(out, "  ", "network", cell.network() + (cell.link() == null ? "" : ": " + Links.figures(cell.link())));
            }
            if (cell.pathInfo() != null) {
                CellResult.PathInfo p = cell.pathInfo();
                line(out, "  ", "proxy", join(p.proxy(), p.profile(), p.version()) + "; client " + p.clientProtocol()
                        + ", upstream " + p.upstreamProtocol() + ", idle timeout " + Format.plain(p.idleTimeoutMillis())
                        + " ms, config " + p.configFile());
            }
            line(out, "  ", "state", cell.state().label()
                    + (cell.state() == CellState.UNKNOWN && cell.status() != null ? " [" + cell.status() + "]" : ""));
            line(out, "  ", "reason", cell.reason());
            if (cell.connections() != null) {
                CellResult.Connections c = cell.connections();
                line(out, "  ", "connections", "connected " + Format.count(c.connected()) + " of "
                        + Format.count(c.target()) + ", connect failures " + Format.count(c.connectFailures())
                        + ", reconnects " + Format.count(c.reconnects()) + ResultsTable.rampText(c));
            }
            if (cell.delivery() != null) {
                CellResult.Delivery d = cell.delivery();
                line(out, "  ", "delivery", "delivered " + Format.count(d.delivered()) + " of "
                        + Format.count(d.expected()) + ", lost " + Format.count(d.lost()) + ", duplicated "
                        + Format.count(d.duplicated()) + ", reordered " + Format.count(d.reordered())
                        + ", subscribers with loss " + Format.count(d.subscribersWithLoss()));
            }
            stats(out, "latency from intended", cell.latency());
            stats(out, "latency from actual send", cell.latencyActual());
            stats(out, "connect", cell.connect());
            stats(out, "connect call (client)", cell.connectCall());
            stats(out, cell.connectCall() == null ? "tcp connect" : "tcp connect (server's side)", cell.tcpConnect());
            stats(out, "poll request", cell.poll());
            stats(out, "publisher lag", cell.publisherLag());
            if (cell.warmupSeconds() != null || cell.measureSeconds() != null) {
                line(out, "  ", "window", "warm-up " + Format.seconds(cell.warmupSeconds()) + ", measured "
                        + Format.seconds(cell.measureSeconds()));
            }
            if (cell.loadgenCpuPercent() != null || cell.loadgenSaturated() != null) {
                line(out, "  ", "load generator", "CPU " + Format.percent(cell.loadgenCpuPercent())
                        + ", saturated " + (cell.loadgenSaturated() == null ? Format.ABSENT : cell.loadgenSaturated()));
            }
            if (!cell.costs().isEmpty()) {
                line(out, "  ", "costs", cell.costs().describe());
            }
            if (cell.resilience() != null) {
                line(out, "  ", "resilience", ThroughProxy.resilienceSummary(cell.resilience()));
                stats(out, "resume", cell.resilience().resumeMicros());
                stats(out, "time to detect", cell.resilience().timeToDetectMicros());
            }
            for (CellResult.Fault f : cell.faults()) {
                line(out, "  ", "fault", Recovery.timelineEntry(f, cell.windowStartNanos()) + " [at " + Format.plain(f.atNanos())
                        + ", planned " + Format.plain(f.plannedSeconds()) + "]");
            }
            line(out, "  ", "repeat", cell.repeat() == null ? null : cell.repeat().toString());
            line(out, "  ", "files", cell.files().isEmpty() ? null : String.join(", ", cell.files()));
            for (String note : cell.notes()) {
                line(out, "  ", "note", note);
            }
        }
        return out.toString();
    }

    private static void stats(StringBuilder out, String label, HistogramSummary stats) {
        if (stats == null) {
            return;
        }
        line(out, "  ", label, "count " + Format.plain(stats.count())
                + ", mean " + shown(stats.mean()) + ", p50 " + shown(stats.p50()) + ", p90 " + shown(stats.p90())
                + ", p99 " + shown(stats.p99()) + ", p99.9 " + shown(stats.p999()) + ", max " + shown(stats.max()));
    }

    private static String shown(Double micros) {
        return micros == null ? Format.ABSENT : Format.micros(micros) + " [" + Format.plain(micros) + "]";
    }

    private static void line(StringBuilder out, String indent, String key, String value) {
        // One fact per line: a multi-line value (a description) keeps its breaks as a visible \n.
        out.append(indent).append(key).append(": ")
                .append(value == null ? Format.ABSENT : value.replace("\r", "\\r").replace("\n", "\\n"))
                .append('\n');
    }

    private static String join(String... parts) {
        StringBuilder joined = new StringBuilder();
        for (String part : parts) {
            if (part != null && !part.isEmpty()) {
                if (joined.length() > 0) {
                    joined.append(", ");
                }
                joined.append(part);
            }
        }
        return joined.length() == 0 ? null : joined.toString();
    }
}
