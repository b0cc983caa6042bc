package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The report's matrix, computed for {@code resultsTable.jte}: its column headers (the cost columns only
 * when some cell has the figure), and per cell a row group of figures (shown as people read them, with the
 * stored value for hover and sorting and a heat class) or of the reason it has none, then a notes row.
 * A {@code Cuts} column (resilience: connections cut unasked, reconnects, causes, resume time) follows the
 * connect columns when some cell records {@code resilience}; {@code resilienceHeader} is null otherwise. A cluster's
 * cell names its load agents beneath its row; their own figures are in the "Load agents" section.
 *
 * <pre>
 *   ResultsTable table = ResultsTable.of(report.cells());
 *   table.groups();   // one per cell, in the report's order
 * </pre>
 *
 * <p>It is long because every figure of a row is shaped here with its shown text, stored value, heat class and sort
 * key, and the context beneath a row gathers every figure the columns leave out.
 */
record ResultsTable(List<Header> firstHeaderRow, List<Header> secondHeaderRow, String costGroupTitle,
                    int costColumns, int columns, List<RowGroup> groups, Header resilienceHeader) {

    /** Columns before the figures: the cell (transport, protocol, stack) and its status. */
    static final int IDENTITY_COLUMNS = 2;

    private static final Map<String, String> FILE_LABELS = Map.of(
            "summary.json", "summary", "latency.hlog", "hlog", "server.log", "server log", "loadgen.log", "loadgen log");

    /** A sortable header: {@code rowspan} and {@code title} absent (null) when 1 or empty; {@code css} null or "num". */
    record Header(String label, String key, String type, String rowspan, String css, String title) {
        static Header of(String label, String key, String type, int rows, String title) {
            return new Header(label, key, type, rows > 1 ? Integer.toString(rows) : null,
                    "num".equals(type) ? "num" : null, title.isEmpty() ? null : title);
        }
    }

    /** One {@code <td>}; every attribute that is null is left out; {@code detail} is a second, smaller line. */
    record Figure(String rowspan, String css, String key, String sortValue, String title, String text, String detail) {
        Figure(String rowspan, String css, String key, String sortValue, String title, String text) {
            this(rowspan, css, key, sortValue, title, text, null);
        }
    }

    /** A raw file linked beneath a row: its relative, percent-encoded link and its label. */
    record Link(String href, String label) {
    }

    /**
     * One cell's rows. {@code figures} (first row, after the identity cells) and {@code actual} (second row)
     * are null when the cell has no figures; then {@code why} fills the row.
     */
    record RowGroup(CellRow cell, String statusLabel, String repeatLabel, List<Figure> figures, List<Figure> actual,
                    String why, String reason, List<String> context, List<Link> files) {

        boolean hasNoteRow() {
            return reason != null || !cell.notes().isEmpty() || !context.isEmpty() || !files.isEmpty();
        }
    }

    /** A cost column of the table, shown when any cell has its figure. */
    private record CostColumn(String key, String header, String title, Function<CellCosts, Double> value, boolean bytes) {
    }

    private static final List<CostColumn> COST_COLUMNS = List.of(
            new CostColumn("cpu-server", "server", "server CPU time per delivered message",
                    CellCosts::serverCpuMicrosPerMessage, false),
            new CostColumn("cpu-loadgen", "client", "load generator CPU time per delivered message",
                    CellCosts::loadgenCpuMicrosPerMessage, false),
            new CostColumn("cpu-proxy", "proxy", "proxy CPU time per delivered message (costs.proxy)",
                    CellCosts::proxyCpuMicrosPerMessage, false),
            new CostColumn("cpu-relay", "relay", "the link relay's CPU time per delivered message (costs.relay): the"
                    + " emulated link's, neither the server's nor the load generator's", CellCosts::relayCpuMicrosPerMessage,
                    false),
            new CostColumn("heap", "heap / conn", "server heap per connection", CellCosts::serverHeapBytesPerConnection, true),
            new CostColumn("bytes-down", "bytes / msg", "bytes on the wire, server to client, per delivered message",
                    CellCosts::wireBytesDownPerMessage, true),
            new CostColumn("requests", "req. / msg", "HTTP requests per delivered message (polling)",
                    CellCosts::pollingRequestsPerMessage, false));

    static ResultsTable of(List<CellRow> cells) {
        List<CostColumn> costs = COST_COLUMNS.stream()
                .filter(column -> cells.stream().anyMatch(c -> column.value().apply(c.costs()) != null))
                .toList();
        Map<String, Function<CellRow, ? extends Number>> costValues = new LinkedHashMap<>();
        costs.forEach(column -> costValues.put(column.key(), cell -> column.value().apply(cell.costs())));
        boolean resilience = cells.stream().anyMatch(c -> c.resilience() != null);
        if (resilience) {
            costValues.put(CUTS, c -> c.resilience() == null ? null : c.resilience().disconnects());
        }
        HeatColouring heat = HeatColouring.of(cells, costValues);
        int columns = IDENTITY_COLUMNS + 5 + 6 + 2 + (resilience ? 1 : 0) + costs.size();

        List<Header> first = List.of(
                Header.of("Cell", "name", "text", 2, "transport, protocol \u00b7 server stack; beneath, the proxy it ran"
                        + " through and the link it crossed"),
                Header.of("Status", "status", "text", 2, ""),
                Header.of("Connected", "connected", "num", 2, "connections established / target"),
                Header.of("Delivered", "delivered", "num", 2, "events delivered / events the feed published for the subscribers"),
                Header.of("Lost", "lost", "num", 2, ""),
                Header.of("Dup.", "duplicated", "num", 2, "duplicated"),
                Header.of("Reord.", "reordered", "num", 2, "reordered"));
        List<Header> second = new ArrayList<>(List.of(
                Header.of("p50", "p50", "num", 1, "latency p50 from intended time"),
                Header.of("p90", "p90", "num", 1, "latency p90 from intended time"),
                Header.of("p99", "p99", "num", 1, "latency p99 from intended time"),
                Header.of("p99.9", "p999", "num", 1, "latency p99.9 from intended time"),
                Header.of("max", "max", "num", 1, "latency max from intended time"),
                Header.of("p50", "connect-p50", "num", 1, "time until a subscription is live, p50"),
                Header.of("p99", "connect-p99", "num", 1, "time until a subscription is live, p99")));
        costs.forEach(cost -> second.add(Header.of(cost.header(), cost.key(), "num", 1, cost.title())));
        String costTitle = costs.stream().allMatch(c -> c.key().startsWith("cpu")) ? "CPU per message" : "Cost";

        List<RowGroup> groups = new ArrayList<>();
        for (CellRow cell : cells) {
            groups.add(group(cell, costs, heat, resilience));
        }
        Header cutsHeader = resilience ? Header.of("Cuts", CUTS, "num", 2, "resilience: connections cut unasked / reconnects;"
                + " below, the causes and the time to resume (hover for all, with events lost or duplicated across reconnects)")
                : null;
        return new ResultsTable(first, List.copyOf(second), costTitle, costs.size(), columns, List.copyOf(groups),
                cutsHeader);
    }

    /** The resilience column's key. */
    static final String CUTS = "cuts";

    private static RowGroup group(CellRow cell, List<CostColumn> costs, HeatColouring heat, boolean resilience) {
        String label = cell.state() == CellState.UNKNOWN && cell.status() != null ? cell.status() : cell.state().label();
        String repeat = cell.repeat() != null && !cell.name().equals(cell.configuration()) ? " \u00b7 repeat " + cell.repeat() : "";
        List<Link> files = new ArrayList<>();
        if (CellRow.isSafeName(cell.name())) {
            for (String file : cell.files()) {
                files.add(new Link(Html.relativeLink(RunReport.CELLS_DIR, cell.name(), file), FILE_LABELS.getOrDefault(file, file)));
            }
        }
        String reason = cell.hasFigures() && cell.reason() != null ? cell.state().label() + ": " + cell.reason() : null;
        if (!cell.hasFigures()) {
            String why = cell.reason() != null ? cell.reason() : switch (cell.state()) {
                case NOT_RUN -> "not run: no summary.json (the cell was not reached, or the run stopped during it)";
                case OK -> "summary.json holds no figures";
                default -> "no reason recorded";
            };
            return new RowGroup(cell, label, repeat, null, null, why, reason, context(cell), List.copyOf(files));
        }
        return new RowGroup(cell, label, repeat, figures(cell, costs, heat, resilience), actual(cell, heat), null, reason,
                context(cell), List.copyOf(files));
    }

    private static List<Figure> figures(CellRow cell, List<CostColumn> costs, HeatColouring heat, boolean resilience) {
        String span = "2";
        List<Figure> row = new ArrayList<>();
        CellResult.Connections c = cell.connections();
        if (c == null) {
            row.add(absent(span, "connected"));
        } else {
            boolean shortOfTarget = c.target() != null && c.connected() != null && c.connected() < c.target();
            row.add(new Figure(span, "num" + (shortOfTarget ? " bad" : ""), "connected", sortValue(c.connected()),
                    "connect failures " + Format.count(c.connectFailures()) + ", reconnects " + Format.count(c.reconnects())
                            + rampText(c),
                    Format.count(c.connected()) + " / " + Format.count(c.target())));
        }
        CellResult.Delivery d = cell.delivery();
        if (d == null) {
            for (String key : List.of("delivered", "lost", "duplicated", "reordered")) {
                row.add(absent(span, key));
            }
        } else {
            boolean shortOfExpected = d.expected() != null && d.delivered() != null && d.delivered() < d.expected();
            String share = Format.share(d.delivered(), d.expected());
            boolean late = d.late() != null && d.late() > 0;
            String title = !share.isEmpty() || late ? (share.isEmpty() ? "" : share + " delivered")
                    + (late ? (share.isEmpty() ? "" : "; ") + Format.count(d.late())
                    + " late: still in flight when the drain ended (behind, not skipped)" : "") : null;
            row.add(new Figure(span, "num" + (shortOfExpected ? " bad" : "") + heat.css(cell, "delivered"), "delivered",
                    sortValue(HeatColouring.deliveredRatio(cell)), title,
                    Format.count(d.delivered()) + " / " + Format.count(d.expected())
                            + (late ? " (" + Format.count(d.late()) + " late)" : "")));
            row.add(count(span, "lost", d.lost(), heat.css(cell, "lost")));
            row.add(count(span, "duplicated", d.duplicated(), heat.css(cell, "duplicated")));
            row.add(count(span, "reordered", d.reordered(), heat.css(cell, "reordered")));
        }
        row.add("short-polling".equals(cell.transport())
                ? new Figure(null, "from", null, null,
                "for short polling, latency from the intended time is the staleness a client sees", "staleness")
                : new Figure(null, "from", null, null, "measured from each event's intended publish time", "intended"));
        percentiles(row, cell, cell.latency(), "", heat);
        HistogramSummary connect = cell.connect();
        row.add(micros(span, "connect-p50", connect == null ? null : connect.p50(), heat.css(cell, "connect-p50")));
        row.add(withTitle(micros(span, "connect-p99", connect == null ? null : connect.p99(), heat.css(cell, "connect-p99")),
                connectParts(cell)));
        if (resilience) {
            row.add(cuts(span, cell, heat));
        }
        for (CostColumn cost : costs) {
            Double value = cost.value().apply(cell.costs());
            if (value == null) {
                row.add(absent(span, cost.key()));
                continue;
            }
            boolean cpu = cost.key().startsWith("cpu");
            String shown = cost.bytes() ? Format.bytes(value) : cpu ? Format.micros(value) : Format.count(value);
            String derived = cpu && cell.costs().cpuSource() == CellCosts.CpuSource.DERIVED
                    ? " (derived: process CPU in the window \u00f7 events delivered)" : "";
            row.add(new Figure(span, "num" + heat.css(cell, cost.key()), cost.key(), Format.plain(value),
                    Format.plain(value) + derived, shown));
        }
        return List.copyOf(row);
    }

    /**
     * "3 / 3" (cut / reconnects), red when any was cut, and beneath it the non-zero causes, the resume time and
     * the events lost or duplicated across reconnects ("idle 2 · proxy 1 · resume p50 1.10 s, p99 2.50 s");
     * the title holds the whole summary.
     */
    private static Figure cuts(String span, CellRow cell, HeatColouring heat) {
        CellResult.Resilience r = cell.resilience();
        if (r == null || r.disconnects() == null && r.reconnects() == null) {
            return absent(span, CUTS);
        }
        List<String> detail = new ArrayList<>();
        CellResult.CutsByCause c = r.cutsByCause();
        if (c != null) {
            shortCause(detail, "idle", c.idleTimeout());
            shortCause(detail, "server", c.serverClose());
            shortCause(detail, "proxy", c.proxyClose());
            shortCause(detail, "error", c.error());
        }
        HistogramSummary resume = r.resumeMicros();
        if (resume != null && resume.p99() != null && resume.count() != null && resume.count() > 0) {
            detail.add("resume p50 " + Format.micros(resume.p50()) + ", p99 " + Format.micros(resume.p99()));
        }
        long lost = r.lostAcrossReconnect() == null ? 0 : r.lostAcrossReconnect();
        long duplicated = r.duplicatedAcrossReconnect() == null ? 0 : r.duplicatedAcrossReconnect();
        if (lost > 0 || duplicated > 0) {
            detail.add("lost " + Format.count(lost) + ", dup. " + Format.count(duplicated));
        }
        boolean cut = r.disconnects() != null && r.disconnects() > 0;
        return new Figure(span, "num" + (cut ? " bad" : "") + heat.css(cell, CUTS), CUTS, sortValue(r.disconnects()),
                "cut " + Format.count(r.disconnects()) + " / reconnects " + Format.count(r.reconnects()) + ": "
                        + ThroughProxy.resilienceSummary(r),
                Format.count(r.disconnects()) + " / " + Format.count(r.reconnects()),
                detail.isEmpty() ? null : String.join(" \u00b7 ", detail));
    }

    private static void shortCause(List<String> parts, String label, Long count) {
        if (count != null && count > 0) {
            parts.add(label + " " + Format.count(count));
        }
    }

    private static List<Figure> actual(CellRow cell, HeatColouring heat) {
        List<Figure> row = new ArrayList<>();
        percentiles(row, cell, cell.latencyActual(), "actual-", heat);
        return List.copyOf(row);
    }

    private static void percentiles(List<Figure> row, CellRow cell, HistogramSummary stats, String prefix, HeatColouring heat) {
        String[] keys = {"p50", "p90", "p99", "p999", "max"};
        Double[] values = stats == null ? new Double[5]
                : new Double[] {stats.p50(), stats.p90(), stats.p99(), stats.p999(), stats.max()};
        for (int i = 0; i < keys.length; i++) {
            String key = prefix + keys[i];
            row.add(micros(null, key, values[i], heat.css(cell, key)));
        }
    }

    private static Figure micros(String span, String key, Double micros, String heatCss) {
        if (micros == null) {
            return absent(span, key);
        }
        return new Figure(span, "num" + heatCss, key, Format.plain(micros), Format.plainMicros(micros), Format.micros(micros));
    }

    /**
     * What a subscription's connect time holds, p99 of each part: the time inside the client's connect call
     * (its own port search) and the TCP connect after it (the server's side), or null when neither was measured.
     * A summary without the call's own time has only the TCP connect, then timed from the call's start.
     */
    private static String connectParts(CellRow cell) {
        HistogramSummary call = cell.connectCall();
        HistogramSummary tcp = cell.tcpConnect();
        String tcpP99 = tcp == null || tcp.p99() == null ? Format.ABSENT : Format.micros(tcp.p99());
        if (call == null || call.p99() == null) {
            // without the call's own time (results that lack it) the TCP connect counts from the call's start
            return tcp == null || tcp.p99() == null ? null : "TCP connect p99 " + tcpP99;
        }
        return "p99 inside the client's connect call " + Format.micros(call.p99())
                + "; TCP connect after it (the server's side) " + tcpP99;
    }

    /** "; ramp 8.5 s for 7.6 s planned, 1,368 of 19,000 connects started 10 ms or more late; from 127.0.0.1, 127.0.0.2", the parts known. */
    static String rampText(CellResult.Connections c) {
        StringBuilder t = new StringBuilder();
        if (c.rampSeconds() != null && c.rampPlannedSeconds() != null) {
            t.append("; ramp ").append(Format.seconds(c.rampSeconds())).append(" for ")
                    .append(Format.seconds(c.rampPlannedSeconds())).append(" planned");
        }
        if (c.rampConnects() != null && c.lateRampConnects() != null) {
            t.append(t.length() == 0 ? "; " : ", ").append(Format.count(c.lateRampConnects())).append(" of ")
                    .append(Format.count(c.rampConnects())).append(" connects started ")
                    .append(c.lateRampConnectMillis() == null ? "" : Format.plain(c.lateRampConnectMillis()) + " ms or more ")
                    .append("late");
        }
        if (c.sourceAddresses() != null && !c.sourceAddresses().isEmpty()) {
            t.append("; from ").append(String.join(", ", c.sourceAddresses()));
        }
        return t.toString();
    }

    private static Figure withTitle(Figure f, String extra) {
        if (extra == null || f.title() == null) {
            return f;
        }
        return new Figure(f.rowspan(), f.css(), f.key(), f.sortValue(), f.title() + " — " + extra, f.text());
    }

    private static Figure count(String span, String key, Long count, String heatCss) {
        if (count == null) {
            return absent(span, key);
        }
        return new Figure(span, "num" + (count > 0 ? " bad" : "") + heatCss, key, Format.plain(count),
                Format.plain(count), Format.count(count));
    }

    private static String sortValue(Number value) {
        return value == null ? null : Format.plain(value);
    }

    private static Figure absent(String span, String key) {
        return new Figure(span, "num muted", key, null, null, Format.ABSENT);
    }

    /** The measurement context shown beneath a row: window, samples, load generator, lags, costs not in columns. */
    private static List<String> context(CellRow cell) {
        List<String> context = new ArrayList<>();
        if (cell.warmupSeconds() != null || cell.measureSeconds() != null) {
            context.add("warm-up " + Format.seconds(cell.warmupSeconds()) + ", measured " + Format.seconds(cell.measureSeconds()));
        }
        if (cell.latency() != null && cell.latency().count() != null) {
            context.add(Format.count(cell.latency().count()) + " latency samples");
        }
        if (cell.clustered()) {
            int n = cell.agents().size();
            context.add("subscribers on " + n + (n == 1 ? " load agent (" : " load agents (")
                    + String.join(", ", cell.agents().stream().map(CellResult.AgentShare::agent).toList())
                    + "), figures merged: see Load agents");
        }
        if (cell.loadgenCpuPercent() != null) {
            context.add("load generator CPU " + Format.percent(cell.loadgenCpuPercent()));
        }
        if (cell.publisherLag() != null) {
            context.add("publisher lag p99 " + Format.micros(cell.publisherLag().p99())
                    + ", max " + Format.micros(cell.publisherLag().max()));
        }
        if (cell.poll() != null) {
            context.add("poll request p50 " + Format.micros(cell.poll().p50()) + ", p99 " + Format.micros(cell.poll().p99()));
        }
        CellCosts costs = cell.costs();
        if (costs.serverHeapBytesPerConnectionUp() != null || costs.serverHeapBytesPerConnectionDown() != null) {
            context.add("server heap per connection ramping up " + Format.bytes(costs.serverHeapBytesPerConnectionUp())
                    + ", closing down " + Format.bytes(costs.serverHeapBytesPerConnectionDown()) + " (the larger is shown)");
        }
        if (costs.serverRssBytesPerConnection() != null) {
            context.add("server RSS per connection " + Format.bytes(costs.serverRssBytesPerConnection()));
        }
        if (costs.wireBytesUpPerMessage() != null) {
            context.add("bytes up per message " + Format.bytes(costs.wireBytesUpPerMessage()));
        }
        CellResult.ProxyCosts proxy = costs.proxy();
        if (proxy != null) {
            context.add("proxy CPU " + Format.micros(proxy.cpuMicrosPerMessage()) + " per message, "
                    + Format.percent(proxy.cpuPercent()) + "; proxy RSS per connection "
                    + Format.bytes(proxy.rssBytesPerConnection()) + " (idle " + Format.bytes(proxy.rssBytesIdle())
                    + ", at load " + Format.bytes(proxy.rssBytesAtLoad()) + "), " + Format.plain(proxy.processes())
                    + " processes");
        }
        CellResult.ProxyCosts relay = costs.relay();
        if (relay != null) {
            context.add("link relay CPU " + Format.micros(relay.cpuMicrosPerMessage()) + " per message, "
                    + Format.percent(relay.cpuPercent()) + " (the link's, neither the server's nor the client's); relay RSS"
                    + " per connection " + Format.bytes(relay.rssBytesPerConnection()));
        }
        if (cell.link() != null) {
            context.add("over " + cell.network() + ": " + Links.figures(cell.link()));
        }
        if (cell.pathInfo() != null) {
            CellResult.PathInfo p = cell.pathInfo();
            context.add("through " + ReportWriter.joined(p.proxy(), p.profile(), p.version()) + ": client "
                    + (p.clientProtocol() == null ? Format.ABSENT : p.clientProtocol())
                    + ", upstream " + (p.upstreamProtocol() == null ? Format.ABSENT : p.upstreamProtocol())
                    + ", idle timeout " + (p.idleTimeoutMillis() == null ? Format.ABSENT
                    : Format.micros(p.idleTimeoutMillis() * 1000.0)));
        }
        if (costs.pollingEmptyResponseRatio() != null) {
            context.add("empty poll answers " + Format.percent(costs.pollingEmptyResponseRatio() * 100));
        }
        if (cell.repeat() != null && !cell.name().equals(cell.configuration())) {
            context.add("repeat " + cell.repeat() + " of " + cell.configuration());
        }
        return List.copyOf(context);
    }
}
