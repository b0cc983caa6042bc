package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * One row of the report: what one cell's {@code summary.json} says, read leniently. A missing or broken
 * summary never fails the report: it becomes a {@link CellState#NOT_RUN} or {@link CellState#UNREADABLE}
 * row, and a mistyped field becomes a note. {@code notes} are warnings shown beneath the row, in order.
 */
record CellSummary(
        String name,
        String stack,
        String transport,
        String protocol,
        CellState state,
        String status,
        String reason,
        Connections connections,
        Delivery delivery,
        Stats latency,
        Stats latencyActual,
        Stats connect,
        Stats poll,
        Num warmupSeconds,
        Num measureSeconds,
        Stats publisherLag,
        Num loadgenCpuPercent,
        Boolean loadgenSaturated,
        Costs costs,
        Integer repeat,
        List<String> files,
        List<String> notes) {

    /** The raw files linked from a row, in this order; any other file in the cell directory follows. */
    static final List<String> KNOWN_FILES = List.of("summary.json", "latency.hlog", "server.log", "loadgen.log");

    /** The suffix the runner gives a repeated cell: {@code jetty-sse-http1.1-r2}. */
    private static final Pattern REPEAT_SUFFIX = Pattern.compile("-r([1-9][0-9]*)$");

    /** Cell names become directory names; anything else could walk out of {@code cells/}. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Connections(Num target, Num connected, Num connectFailures, Num reconnects) {
    }

    /** {@code late}: owed events still in flight at the drain's end (behind, not skipped); absent in older runs. */
    record Delivery(Num expected, Num delivered, Num lost, Num late, Num duplicated, Num reordered, Num subscribersWithLoss) {
    }

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
        boolean lost = delivery.lost() != null && delivery.lost().isPositive();
        boolean shortOf = delivery.expected() != null && delivery.delivered() != null
                && delivery.delivered().value() < delivery.expected().value();
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
    static CellSummary read(Path cellsDir, String name, List<String> extraNotes) {
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
            root = MAPPER.readTree(summaryFile.toFile());
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
                    "unreadable summary: expected a JSON object, found " + Fields.describe(root), files, notes);
        }
        try {
            return fromJson(name, root, files, notes);
        } catch (RuntimeException e) {
            // A shape this reader did not foresee must cost one row, not the whole report.
            return withoutFigures(name, CellState.UNREADABLE, null, "unreadable summary: " + e, files, notes);
        }
    }

    private static CellSummary fromJson(String name, JsonNode root, List<String> files, Set<String> notes) {
        Fields f = new Fields(root, "summary.json", notes);
        String storedName = f.text("name");
        if (storedName != null && !storedName.equals(name)) {
            notes.add("summary.json names this cell \"" + storedName + "\"");
        }
        String[] parsed = splitName(configurationOf(name));
        String stack = orElse(f.text("cell.stack"), parsed[0]);
        String transport = orElse(f.text("cell.transport"), parsed[1]);
        String protocol = orElse(f.text("cell.protocol"), parsed[2]);
        String status = f.text("status");
        CellState state = CellState.fromStatus(status);
        if (status == null) {
            notes.add("summary.json has no status");
        }
        String reason = f.text("reason");

        Connections connections = f.object("connections") == null ? null : new Connections(
                f.number("connections.target"),
                f.number("connections.connected"),
                f.number("connections.connectFailures"),
                f.number("connections.reconnects"));
        Delivery delivery = f.object("delivery") == null ? null : new Delivery(
                f.number("delivery.expected"),
                f.number("delivery.delivered"),
                f.number("delivery.lost"),
                f.number("delivery.late"),
                f.number("delivery.duplicated"),
                f.number("delivery.reordered"),
                f.number("delivery.subscribersWithLoss"));
        Stats latency = Stats.read(f, "latencyMicros");
        Stats latencyActual = Stats.read(f, "latencyActualMicros");
        Stats connect = Stats.read(f, "connectMicros");
        Stats poll = Stats.read(f, "pollMicros");
        Num warmupSeconds = f.number("window.warmupSeconds");
        Num measureSeconds = f.number("window.measureSeconds");
        Stats publisherLag = Stats.read(f, "server.publisherLagMicros");
        Num cpuPercent = f.number("loadgen.cpuPercent");
        Boolean saturated = f.bool("loadgen.saturated");
        Costs costs = Costs.read(f, delivery);
        Num repeatNumber = f.number("repeat");
        Integer repeat = repeatNumber == null ? null : (int) repeatNumber.value();

        if (Boolean.TRUE.equals(saturated)) {
            notes.add("the load generator was saturated"
                    + (cpuPercent == null ? "" : " (CPU " + Units.percent(cpuPercent) + ")")
                    + ": these figures may describe the generator, not the server");
        }
        if (connections != null) {
            if (connections.connectFailures() != null && connections.connectFailures().isPositive()) {
                notes.add("failed connection attempts: " + Units.count(connections.connectFailures()));
            }
            if (connections.target() != null && connections.connected() != null
                    && connections.connected().value() < connections.target().value()) {
                notes.add("only " + Units.count(connections.connected()) + " of "
                        + Units.count(connections.target()) + " connections were established");
            }
        }
        String memoryNote = f.text("costs.server.memoryNote");
        if (memoryNote != null) {
            notes.add(memoryNote);
        }
        if (delivery != null && delivery.subscribersWithLoss() != null
                && delivery.subscribersWithLoss().isPositive()) {
            notes.add("subscribers that lost events: " + Units.count(delivery.subscribersWithLoss()));
        }
        return new CellSummary(name, stack, transport, protocol, state, status, reason, connections, delivery,
                latency, latencyActual, connect, poll, warmupSeconds, measureSeconds, publisherLag,
                cpuPercent, saturated, costs, repeat, files, List.copyOf(notes));
    }

    private static CellSummary withoutFigures(String name, CellState state, String status, String reason,
                                              List<String> files, Set<String> notes) {
        String[] parsed = splitName(configurationOf(name));
        return new CellSummary(name, parsed[0], parsed[1], parsed[2], state, status, reason, null, null,
                null, null, null, null, null, null, null, null, null, Costs.NONE, null, files, List.copyOf(notes));
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

    private static String orElse(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
