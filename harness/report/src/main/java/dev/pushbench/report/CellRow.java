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
 *
 * <p>A cell's identity is its stack, transport, protocol <em>and path</em>: {@code path} is null when the
 * client spoke to the server directly (absent or {@code none} in the summary), else the proxy and its
 * profile ({@code nginx-stock}); {@code sseProxyHints} is false for an SSE cell whose server did not send
 * {@code X-Accel-Buffering: no}. Repeats are grouped by {@link #configuration()}, the directory name without
 * its {@code -rN}, which carries the path, so a proxied cell is never a repeat of the direct one. {@code network}
 * is the emulated link's id (null on loopback as is), {@code link} its figures, {@code faults} what the runner
 * applied (empty when nothing was), {@code windowStartNanos} the window's start on the shared clock the faults'
 * times are on, {@code upstream} what a two-way cell's subscribers published (null for a one-way cell), and
 * {@code capacity} a capacity search's outcome (null when the cell ran at one fixed load), and {@code agents} the load
 * agents' shares of a cluster's cell (empty when one load generator on the runner's machine ran it).
 *
 * <p>It is long because one lenient reader serves every summary written since the first run: each figure it
 * cannot read, and each identity part it must take from the directory name instead, is said in a note.
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
        List<String> notes,
        String path,
        Boolean sseProxyHints,
        CellResult.PathInfo pathInfo,
        CellResult.Resilience resilience,
        String network,
        CellResult.Link link,
        List<CellResult.Fault> faults,
        Long windowStartNanos,
        CellResult.Upstream upstream,
        CellResult.Capacity capacity,
        List<CellResult.AgentShare> agents) {

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

    /** True if a proxy stood between the load generator and the server. */
    boolean proxied() {
        return path != null;
    }

    /** The path as shown: {@code nginx-stock}, with {@code (no X-Accel-Buffering)} when the hint was off; null when direct. */
    String pathLabel() {
        if (path == null) {
            return null;
        }
        return Boolean.FALSE.equals(sseProxyHints) ? path + " (no X-Accel-Buffering)" : path;
    }

    /**
     * The line beneath a cell's name: {@code via nginx-stock (no X-Accel-Buffering)} through a proxy,
     * {@code direct, no X-Accel-Buffering} for a direct SSE cell whose server sent no hint, else null.
     */
    String pathNote() {
        if (path != null) {
            return "via " + pathLabel();
        }
        return Boolean.FALSE.equals(sseProxyHints) ? "direct, no X-Accel-Buffering" : null;
    }

    /**
     * The cell as a reader names it: {@code jetty · sse · http1.1 · nginx-stock (no X-Accel-Buffering)}, with
     * {@code · over 4g} when it crossed an emulated link.
     */
    String label() {
        String identity = stack + " \u00b7 " + transport + " \u00b7 " + protocol;
        String over = network == null ? "" : " \u00b7 over " + network;
        if (path == null) {
            return (Boolean.FALSE.equals(sseProxyHints) ? identity + " (no X-Accel-Buffering)" : identity) + over;
        }
        return identity + " \u00b7 " + pathLabel() + over;
    }

    /** True if the cell's connections crossed an emulated link (the relay), false on loopback as is. */
    boolean shaped() {
        return network != null;
    }

    /** The line beneath a shaped cell's name, {@code over 4g} (its figures are its title); null on loopback. */
    String linkNote() {
        return network == null ? null : "over " + network;
    }

    /** The link's figures as one line ("rtt 150 ms ± 20 ms · down 8.00 Mbit/s · …"), or null when unknown. */
    String linkFigures() {
        return link == null ? null : Links.figures(link);
    }

    /**
     * The same stack, transport, protocol and link with no proxy: what a proxied cell is held against, so a hop's
     * delta never mixes in a link's delay.
     */
    boolean sameEndpointsAs(CellRow other) {
        return stack.equals(other.stack) && transport.equals(other.transport) && protocol.equals(other.protocol)
                && java.util.Objects.equals(network, other.network);
    }

    /** True if load agents of a cluster ran this cell's subscribers. */
    boolean clustered() {
        return !agents.isEmpty();
    }

    /** True if some load agent's clock offset is known too loosely for its latencies' precision. */
    boolean clockFlagged() {
        return agents.stream().anyMatch(LoadAgentsSection::clockFlagged);
    }

    /** True if the runner applied a fault in this cell. */
    boolean faulted() {
        return !faults.isEmpty();
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
        // A summary without cell.path is from before proxies, or names it only in its directory name.
        String path = cell != null && cell.path() != null ? directOrPath(cell.path()) : parsed[3];
        Boolean hints = cell != null && cell.sseProxyHints() != null ? cell.sseProxyHints()
                : "false".equals(parsed[4]) ? Boolean.FALSE : null;
        // A summary without cell.network is from before links, or names it only in its directory name.
        String network = cell != null && cell.network() != null ? directOrPath(cell.network()) : parsed[5];
        if (network == null && r.link() != null) {
            notes.add("summary.json has a link (" + r.link().id() + ") but its cell names no network; shown as loopback");
        }
        List<CellResult.Fault> faults = r.faults() == null ? List.of()
                : r.faults().stream().filter(java.util.Objects::nonNull).toList();
        List<CellResult.AgentShare> agents = r.agents() == null ? List.of()
                : r.agents().stream().filter(java.util.Objects::nonNull).toList();
        for (CellResult.AgentShare agent : agents) {
            if (LoadAgentsSection.clockFlagged(agent)) {
                notes.add(LoadAgentsSection.flagNote(agent));
            }
        }
        if (path == null && r.path() != null) {
            notes.add("summary.json has a path (" + r.path().proxy() + ") but its cell names none; shown as direct");
        }
        return new CellRow(name, stack, transport, protocol, state, status, r.reason(), connections, delivery,
                r.latencyMicros(), r.latencyActualMicros(), r.connectMicros(), r.tcpConnectMicros(), r.connectCallMicros(), r.pollMicros(),
                window == null ? null : window.warmupSeconds(), window == null ? null : window.measureSeconds(),
                r.server() == null ? null : r.server().publisherLagMicros(),
                cpuPercent, saturated, CellCosts.of(r), r.repeat(), files, List.copyOf(notes), path, hints, r.path(),
                r.resilience(), network, r.link(), faults, window == null ? null : window.startNanos(), r.upstream(),
                r.capacity(), agents);
    }

    private static CellRow withoutFigures(String name, CellState state, String status, String reason,
                                          List<String> files, Set<String> notes) {
        String[] parsed = splitName(configurationOf(name));
        return new CellRow(name, parsed[0], parsed[1], parsed[2], state, status, reason, null, null,
                null, null, null, null, null, null, null, null, null, null, null, CellCosts.NONE, null, files, List.copyOf(notes),
                parsed[3], "false".equals(parsed[4]) ? Boolean.FALSE : null, null, null, parsed[5], null, List.of(), null,
                null, null, List.of());
    }

    /** The protocol ids a cell name can hold; they mark where the transport ends and the path begins. */
    private static final Set<String> PROTOCOLS = Set.of("http1.1", "h2c", "https1.1", "h2");

    /** The link presets' ids ({@code CellResult.Link#id}): a part of a cell's name that is one of them is its network. */
    static final Set<String> NETWORKS = Set.of("loopback", "lan", "broadband", "4g", "3g", "satellite", "custom");

    /** The suffix of a proxied SSE cell whose server sent no {@code X-Accel-Buffering: no}. */
    private static final String NO_HINTS = "nohints";

    /**
     * Splits {@code <stack>-<transport>-<protocol>[-<proxy>-<profile>][-<network>][-nohints]} when the summary
     * cannot say: {stack, transport, protocol, path or null, "false" when {@code -nohints} else null, network or
     * null}. Stack and protocol ids hold no hyphen, transports may ({@code long-polling}); a known protocol id ends
     * the transport, a part that is a known link preset ({@link #NETWORKS}) is the network, and what else follows
     * is the path. Without a protocol id, the last part is the protocol (older names). Unsplittable names give
     * empty parts.
     */
    static String[] splitName(String name) {
        if (name == null) {
            return new String[] {"", "", "", null, null, null};
        }
        String[] parts = name.split("-");
        for (int i = 2; i < parts.length; i++) {
            if (PROTOCOLS.contains(parts[i])) {
                List<String> rest = new ArrayList<>(List.of(parts).subList(i + 1, parts.length));
                String hints = null;
                if (!rest.isEmpty() && rest.get(rest.size() - 1).equals(NO_HINTS)) {
                    rest.remove(rest.size() - 1);
                    hints = "false";
                }
                String network = null;
                for (String part : List.copyOf(rest)) {
                    if (NETWORKS.contains(part)) {
                        network = part;
                        rest.remove(part);
                    }
                }
                String path = rest.isEmpty() ? null : directOrPath(String.join("-", rest));
                return new String[] {parts[0], String.join("-", List.of(parts).subList(1, i)), parts[i], path, hints,
                        network};
            }
        }
        int first = name.indexOf('-');
        int last = name.lastIndexOf('-');
        if (first < 0 || last == first) {
            return new String[] {name, "", "", null, null, null};
        }
        return new String[] {name.substring(0, first), name.substring(first + 1, last), name.substring(last + 1), null, null,
                null};
    }

    /** {@code none} and the empty string mean the client spoke to the server: null. */
    private static String directOrPath(String path) {
        return path == null || path.isEmpty() || path.equals("none") ? null : path;
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
