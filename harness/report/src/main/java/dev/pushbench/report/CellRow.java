package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One row of the report: what one cell's {@code summary.json} says, read leniently into the results
 * model ({@link CellResult}). A missing or broken summary never fails the report: it becomes a
 * {@link CellState#NOT_RUN} or {@link CellState#UNREADABLE} row, and a mistyped field becomes a note
 * (its figure shown as absent). {@code notes} are warnings shown beneath the row, in order.
 */
record CellRow(
        String name,
        String stack,
        String transport,
        String protocol,
        CellState state,
        String status,
        String reason,
        CellResult.Connections connections,
        CellResult.Delivery delivery,
        HistogramSummary latency,
        HistogramSummary latencyActual,
        HistogramSummary connect,
        HistogramSummary tcpConnect,
        HistogramSummary connectCall,
        HistogramSummary poll,
        Double warmupSeconds,
        Double measureSeconds,
        HistogramSummary publisherLag,
        Double loadgenCpuPercent,
        Boolean loadgenSaturated,
        CellCosts costs,
        Integer repeat,
        List<String> files,
        List<String> notes) {

    /** The raw files linked from a row, in this order; any other file in the cell directory follows. */
    static final List<String> KNOWN_FILES = List.of("summary.json", "latency.hlog", "server.log", "loadgen.log");

    /** The suffix the runner gives a repeated cell: {@code jetty-sse-http1.1-r2}. */
    private static final Pattern REPEAT_SUFFIX = Pattern.compile("-r([1-9][0-9]*)$");

    /** Cell names become directory names; anything else could walk out of {@code cells/}. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** True when there are figures to show; otherwise the row is the reason alone. */
    boolean hasFigures() {
        return delivery != null || latency != null || latencyActual != null || connect != null;
    }

    /** True when this cell was measured and its figures stand. */
    boolean isMeasured() {
        return state == CellState.OK && hasFigures();
    }

    /**
     * The configuration this cell measures, the same for every repeat: the name without its
     * {@code -r<n>} suffix ({@code jetty-sse-http1.1-r2} → {@code jetty-sse-http1.1}).
     */
    String configuration() {
        return configurationOf(name);
    }

    static String configurationOf(String name) {
        return name == null ? null : REPEAT_SUFFIX.matcher(name).replaceFirst("");
    }

    /** Events lost, plus events owed but never delivered that {@code lost} does not already count. */
    boolean hadLoss() {
        if (delivery == null) {
            return false;
        }
        boolean lost = delivery.lost() != null && delivery.lost() > 0;
        boolean shortOf = delivery.expected() != null && delivery.delivered() != null
                && delivery.delivered() < delivery.expected();
        return lost || shortOf;
    }

    static boolean isSafeName(String name) {
        return name != null && SAFE_NAME.matcher(name).matches();
    }

    /**
     * Reads {@code cellsDir/<name>/summary.json}.
     *
     * @param extraNotes notes the caller knows about this cell (e.g. "not listed in run.json"), shown first
     */
    static CellRow read(Path cellsDir, String name, List<String> extraNotes) {
        Set<String> notes = new LinkedHashSet<>(extraNotes);
        if (!isSafeName(name)) {
            return withoutFigures(name, CellState.UNREADABLE, null,
                    "cell name is not a plain directory name, so its files were not read", List.of(), notes);
        }
        Path cellDir = cellsDir.resolve(name);
        List<String> files = listFiles(cellDir, notes);
        Path summaryFile = cellDir.resolve("summary.json");
        if (!Files.isRegularFile(summaryFile)) {
            return withoutFigures(name, CellState.NOT_RUN, null, null, files, notes);
        }
        JsonNode root;
        try {
            root = JsonFiles.mapper().readTree(summaryFile.toFile());
        } catch (JsonProcessingException e) {
            return withoutFigures(name, CellState.UNREADABLE, null,
                    "unreadable summary: " + describe(e), files, notes);
        } catch (IOException e) {
            return withoutFigures(name, CellState.UNREADABLE, null,
                    "unreadable summary: " + e, files, notes);
        }
        if (root == null || root.isMissingNode()) {
            return withoutFigures(name, CellState.UNREADABLE, null,
                    "unreadable summary: the file is empty", files, notes);
        }
        if (!root.isObject()) {
            return withoutFigures(name, CellState.UNREADABLE, null,
                    "unreadable summary: expected a JSON object, found " + describe(root), files, notes);
        }
        try {
            return fromJson(name, root, files, notes);
        } catch (JsonProcessingException e) {
            return withoutFigures(name, CellState.UNREADABLE, null, "unreadable summary: " + describe(e), files, notes);
        } catch (RuntimeException e) {
            // A shape this reader did not foresee must cost one row, not the whole report.
            return withoutFigures(name, CellState.UNREADABLE, null, "unreadable summary: " + e, files, notes);
        }
    }

    private static CellRow fromJson(String name, JsonNode root, List<String> files, Set<String> notes)
            throws JsonProcessingException {
        CellResult r = JsonFiles.readLeniently(root, CellResult.class, "summary.json", notes::add);
        if (r.name() != null && !r.name().equals(name)) {
            notes.add("summary.json names this cell \"" + r.name() + "\"");
        }
        String[] parsed = splitName(configurationOf(name));
        CellResult.Cell cell = r.cell();
        String stack = orElse(cell == null ? null : cell.stack(), parsed[0]);
        String transport = orElse(cell == null ? null : cell.transport(), parsed[1]);
        String protocol = orElse(cell == null ? null : cell.protocol(), parsed[2]);
        // The status as written, which the model's enum may not know: an unknown one is shown, not dropped.
        JsonNode statusNode = root.get("status");
        String status = statusNode != null && statusNode.isValueNode() && !statusNode.isNull() ? statusNode.asText() : null;
        CellState state = CellState.fromStatus(status);
        if (status == null) {
            notes.add("summary.json has no status");
        }
        Double cpuPercent = r.loadgen() == null ? null : r.loadgen().cpuPercent();
        Boolean saturated = r.loadgen() == null ? null : r.loadgen().saturated();
        CellResult.Connections connections = r.connections();
        CellResult.Delivery delivery = r.delivery();
        if (Boolean.TRUE.equals(saturated)) {
            String because = r.loadgen().saturatedBecause();
            // the runner names every cause it found; a file without one only had the CPU rule
            notes.add(because != null
                    ? "saturated: " + because + "; these figures may not describe the server alone"
                    : "the load generator was saturated" + (cpuPercent == null ? "" : " (CPU " + Format.percent(cpuPercent) + ")")
                            + ": these figures may describe the generator, not the server");
        }
        if (connections != null) {
            if (connections.connectFailures() != null && connections.connectFailures() > 0) {
                notes.add("failed connection attempts: " + Format.count(connections.connectFailures()));
            }
            if (connections.target() != null && connections.connected() != null
                    && connections.connected() < connections.target()) {
                notes.add("only " + Format.count(connections.connected()) + " of "
                        + Format.count(connections.target()) + " connections were established");
            }
        }
        // a memory figure that could not be measured says so ("… not measurable here: …"), for either process
        if (r.costs() != null) {
            for (CellResult.ProcessCosts side : new CellResult.ProcessCosts[] {r.costs().server(), r.costs().loadgen()}) {
                if (side != null && side.memoryNote() != null) {
                    notes.add(side.memoryNote());
                }
            }
        }
        if (delivery != null && delivery.subscribersWithLoss() != null && delivery.subscribersWithLoss() > 0) {
            notes.add("subscribers that lost events: " + Format.count(delivery.subscribersWithLoss()));
        }
        CellResult.Window window = r.window();
        return new CellRow(name, stack, transport, protocol, state, status, r.reason(), connections, delivery,
                r.latencyMicros(), r.latencyActualMicros(), r.connectMicros(), r.tcpConnectMicros(), r.connectCallMicros(), r.pollMicros(),
                window == null ? null : window.warmupSeconds(), window == null ? null : window.measureSeconds(),
                r.server() == null ? null : r.server().publisherLagMicros(),
                cpuPercent, saturated, CellCosts.of(r), r.repeat(), files, List.copyOf(notes));
    }

    private static CellRow withoutFigures(String name, CellState state, String status, String reason,
                                          List<String> files, Set<String> notes) {
        String[] parsed = splitName(configurationOf(name));
        return new CellRow(name, parsed[0], parsed[1], parsed[2], state, status, reason, null, null,
                null, null, null, null, null, null, null, null, null, null, null, CellCosts.NONE, null, files, List.copyOf(notes));
    }

    /**
     * Splits {@code <stack>-<transport>-<protocol>} when the summary cannot say: stack and protocol ids
     * hold no hyphen, transports may ({@code long-polling}). Unsplittable names give empty parts.
     */
    static String[] splitName(String name) {
        if (name == null) {
            return new String[] {"", "", ""};
        }
        int first = name.indexOf('-');
        int last = name.lastIndexOf('-');
        if (first < 0 || last == first) {
            return new String[] {name, "", ""};
        }
        return new String[] {name.substring(0, first), name.substring(first + 1, last), name.substring(last + 1)};
    }

    private static List<String> listFiles(Path cellDir, Set<String> notes) {
        List<String> files = new ArrayList<>();
        if (!Files.isDirectory(cellDir)) {
            return files;
        }
        for (String known : KNOWN_FILES) {
            if (Files.isRegularFile(cellDir.resolve(known))) {
                files.add(known);
            }
        }
        try (Stream<Path> entries = Files.list(cellDir)) {
            entries.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(file -> !KNOWN_FILES.contains(file))
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            notes.add("cannot list the cell's files: " + e);
        }
        return files;
    }

    /** Jackson's message without the source dump, plus where: "Unexpected end-of-input … at line 3, column 1". */
    static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int newline = message == null ? -1 : message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            message += " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        return message;
    }

    /** What a document holds where an object was expected, for a message: "an array", "\"text\"", "5". */
    static String describe(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return text.length() <= 40 ? "\"" + text + "\"" : "\"" + text.substring(0, 40) + "…\"";
        }
        return node.toString();
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
