package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The report's "Two-way" section: for every cell whose subscribers published ({@code upstream} in
 * {@code summary.json}), what a message cost going up and coming back, and three comparisons written from the
 * figures: what a message costs end to end per transport, what HTTP/1.1's second connection costs against HTTP/2's
 * one (the same stack and transport over {@code http1.1} and {@code h2c}), and where WebSocket's in-band path beats
 * SSE + POST or does not (the same stack and protocol).
 *
 * <pre>
 *   TwoWay twoWay = TwoWay.of(report.cells());
 *   twoWay.isEmpty();         // true for a one-way run: the section is not shown
 *   twoWay.perTransport();    // "sse: echo p50 1.20 ms … over 2 cells"
 * </pre>
 *
 * <p>A comparison says which side is lower only when the two differ by more than {@link #NOISE} of the larger;
 * otherwise it says they are within noise. Nothing is concluded that the figures do not hold: a comparison lacking a
 * figure on either side leaves that figure out, and one lacking both cells is not written.
 */
record TwoWay(List<Row> rows, List<String> perTransport, List<String> extraConnection, List<String> inBand,
              List<String> warnings) {

    static final TwoWay NONE = new TwoWay(List.of(), List.of(), List.of(), List.of(), List.of());

    /** Two figures closer than this share of the larger are "within noise", as the verdict's margin. */
    static final double NOISE = 0.10;

    /**
     * One two-way cell as shown; every text is final, {@link Format#ABSENT} when the summary lacks it.
     *
     * @param path        how messages went up: {@code post-separate-connection}, {@code post-same-connection},
     *                    {@code websocket-in-band}
     * @param failedAny   some published message was refused or never answered
     * @param loadgenCpu  the load generator's CPU per delivered message
     */
    record Row(CellRow cell, String transport, String protocol, String path, String connectionsPerClient,
               String published, String failed, boolean failedAny, String ackP50, String ackP99, String echoP50,
               String echoP99, String deliveryP50, String deliveryP99, String bytesUp, String serverCpuPerPublished,
               String serverCpuPerDelivered, String loadgenCpu) {
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    static TwoWay of(List<CellRow> cells) {
        List<CellRow> twoWay = cells.stream().filter(c -> c.upstream() != null).toList();
        if (twoWay.isEmpty()) {
            return NONE;
        }
        List<Row> rows = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (CellRow c : twoWay) {
            CellResult.Upstream u = c.upstream();
            rows.add(row(c, u));
            if (u.failed() != null && u.failed() > 0) {
                warnings.add(c.label() + ": " + Format.count(u.failed()) + " of " + Format.count(u.published())
                        + " published messages failed (refused, or never answered because their connection ended);"
                        + " its figures count only those that went through");
            }
        }
        return new TwoWay(List.copyOf(rows), perTransport(twoWay), extraConnection(twoWay), inBand(twoWay),
                List.copyOf(warnings));
    }

    private static Row row(CellRow c, CellResult.Upstream u) {
        HistogramSummary ack = u.ackMicros();
        HistogramSummary echo = u.echoMicros();
        HistogramSummary delivery = c.latency();
        return new Row(c, c.transport(), c.protocol(), u.upstreamPath() == null ? Format.ABSENT : u.upstreamPath(),
                u.connectionsPerClient() == null ? Format.ABSENT : Format.significant(u.connectionsPerClient()),
                Format.count(u.published()), Format.count(u.failed()), u.failed() != null && u.failed() > 0,
                Format.micros(ack == null ? null : ack.p50()), Format.micros(ack == null ? null : ack.p99()),
                Format.micros(echo == null ? null : echo.p50()), Format.micros(echo == null ? null : echo.p99()),
                Format.micros(delivery == null ? null : delivery.p50()), Format.micros(delivery == null ? null : delivery.p99()),
                u.bytesUpPerMessage() == null ? Format.ABSENT : Format.bytes(u.bytesUpPerMessage()),
                Format.micros(u.serverCpuMicrosPerPublished()), Format.micros(u.serverCpuMicrosPerDelivered()),
                Format.micros(c.costs().loadgenCpuMicrosPerMessage()));
    }

    // ---- what a message costs, per transport

    /**
     * One line per transport: the range over its cells of each of {@link #FIGURES}.
     */
    private static List<String> perTransport(List<CellRow> cells) {
        Map<String, List<CellRow>> byTransport = new LinkedHashMap<>();
        cells.forEach(c -> byTransport.computeIfAbsent(c.transport(), t -> new ArrayList<>()).add(c));
        List<String> lines = new ArrayList<>();
        byTransport.forEach((transport, group) -> {
            List<String> parts = new ArrayList<>();
            for (Figure f : FIGURES) {
                addRange(parts, f, group);
            }
            lines.add(transport + ": " + (parts.isEmpty() ? "no figures" : String.join(", ", parts)) + " ("
                    + group.size() + (group.size() == 1 ? " cell)" : " cells)"));
        });
        return List.copyOf(lines);
    }

    private static void addRange(List<String> parts, Figure figure, List<CellRow> cells) {
        Double low = null;
        Double high = null;
        for (CellRow c : cells) {
            Double v = figure.value().apply(c);
            if (v != null) {
                low = low == null ? v : Math.min(low, v);
                high = high == null ? v : Math.max(high, v);
            }
        }
        if (low != null) {
            String lowText = figure.format().apply(low);
            String highText = figure.format().apply(high);
            parts.add(figure.name() + " " + (lowText.equals(highText) ? lowText : lowText + " \u2013 " + highText));
        }
    }

    /** A figure the comparisons read from a two-way cell, lower being better. */
    private record Figure(String name, Function<CellRow, Double> value, Function<Double, String> format) {
    }

    private static final List<Figure> FIGURES = List.of(
            new Figure("echo p50", c -> p50(c.upstream().echoMicros()), Format::micros),
            new Figure("echo p99", c -> p99(c.upstream().echoMicros()), Format::micros),
            new Figure("server CPU per published", c -> c.upstream().serverCpuMicrosPerPublished(), Format::micros),
            new Figure("bytes up per message", c -> c.upstream().bytesUpPerMessage(), Format::bytes));

    /**
     * What a client's connections hold on the server: the cell's heap per subscriber, which over HTTP/1.1 takes in its
     * POST connection too.
     */
    private static final Figure HEAP_PER_CLIENT = new Figure("server heap per client",
            c -> c.costs() == null ? null : c.costs().serverHeapBytesPerConnection(), Format::bytes);

    // ---- HTTP/1.1's second connection against HTTP/2's one

    /** For each stack and POST-publishing transport with both an http1.1 and an h2c cell: the two side by side. */
    private static List<String> extraConnection(List<CellRow> cells) {
        List<String> lines = new ArrayList<>();
        for (CellRow h1 : cells) {
            if (!"http1.1".equals(h1.protocol()) || "websocket".equals(h1.transport())) {
                continue;
            }
            CellRow h2 = twin(cells, h1, c -> c.stack().equals(h1.stack()) && c.transport().equals(h1.transport())
                    && "h2c".equals(c.protocol()));
            if (h2 == null) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            parts.add("http1.1 holds " + connections(h1.upstream()) + " per client, h2c " + connections(h2.upstream()));
            for (Figure f : FIGURES) {
                compare(parts, f, h1, h2, "http1.1", "h2c");
            }
            compare(parts, HEAP_PER_CLIENT, h1, h2, "http1.1", "h2c");
            lines.add(h1.stack() + " \u00b7 " + h1.transport() + ": " + String.join("; ", parts));
        }
        return List.copyOf(lines);
    }

    // ---- WebSocket in-band against SSE + POST

    /** For each stack and protocol with both a WebSocket and an SSE cell: the in-band path against SSE + POST. */
    private static List<String> inBand(List<CellRow> cells) {
        List<String> lines = new ArrayList<>();
        for (CellRow ws : cells) {
            if (!"websocket".equals(ws.transport())) {
                continue;
            }
            CellRow sse = twin(cells, ws, c -> c.stack().equals(ws.stack()) && c.protocol().equals(ws.protocol())
                    && "sse".equals(c.transport()));
            if (sse == null) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            int wins = 0;
            int losses = 0;
            for (Figure f : FIGURES) {
                int side = compare(parts, f, ws, sse, "WebSocket", "SSE + POST");
                wins += side < 0 ? 1 : 0;
                losses += side > 0 ? 1 : 0;
            }
            if (parts.isEmpty()) {
                continue;
            }
            int compared = parts.size();
            int even = compared - wins - losses;
            String verdict = wins > 0 && losses == 0 ? "in-band wins" : losses > 0 && wins == 0 ? "in-band does not win"
                    : wins > 0 ? "mixed" : "no difference beyond noise";
            String outcome = verdict + " (WebSocket lower on " + wins + ", higher on " + losses + ", within noise on "
                    + even + " of " + compared + " figures)";
            lines.add(ws.stack() + " \u00b7 " + ws.protocol() + ": " + outcome + ": " + String.join("; ", parts));
        }
        return List.copyOf(lines);
    }

    private static CellRow twin(List<CellRow> cells, CellRow of, java.util.function.Predicate<CellRow> same) {
        for (CellRow c : cells) {
            if (c != of && same.test(c) && java.util.Objects.equals(c.path(), of.path())
                    && java.util.Objects.equals(c.network(), of.network()) && java.util.Objects.equals(c.repeat(), of.repeat())) {
                return c;
            }
        }
        return null;
    }

    /**
     * Adds "name a vs b (a lower by 25 %)" to {@code parts} and returns which side is lower beyond {@link #NOISE}: −1
     * the first, 1 the second, 0 neither (within noise, or a figure is missing: then nothing is added).
     */
    private static int compare(List<String> parts, Figure figure, CellRow first, CellRow second, String aName, String bName) {
        Double a = figure.value().apply(first);
        Double b = figure.value().apply(second);
        if (a == null || b == null) {
            return 0;
        }
        String name = figure.name();
        Function<Double, String> format = figure.format();
        double larger = Math.max(Math.abs(a), Math.abs(b));
        String figures = name + " " + format.apply(a) + " vs " + format.apply(b);
        if (larger == 0 || Math.abs(a - b) <= NOISE * larger) {
            parts.add(figures + " (within noise)");
            return 0;
        }
        boolean firstLower = a < b;
        long by = Math.round(100 * Math.abs(a - b) / larger);
        parts.add(figures + " (" + (firstLower ? aName : bName) + " lower by " + by + " %)");
        return firstLower ? -1 : 1;
    }

    private static String connections(CellResult.Upstream u) {
        if (u.connectionsPerClient() == null) {
            return Format.ABSENT + " connections";
        }
        double n = u.connectionsPerClient();
        return Format.significant(n) + (n == 1 ? " connection" : " connections");
    }

    private static Double p50(HistogramSummary h) {
        return h == null ? null : h.p50();
    }

    private static Double p99(HistogramSummary h) {
        return h == null ? null : h.p99();
    }

    /** The section as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Row r : rows) {
            out.append("two-way: ").append(r.cell().name()).append(": ").append(r.path()).append(", connections per client ")
                    .append(r.connectionsPerClient()).append("; published ").append(r.published())
                    .append(", failed ").append(r.failed()).append('\n');
            out.append(String.format(Locale.ROOT, "  ack p50 %s, p99 %s; echo p50 %s, p99 %s; delivery p50 %s, p99 %s%n",
                    r.ackP50(), r.ackP99(), r.echoP50(), r.echoP99(), r.deliveryP50(), r.deliveryP99()));
            out.append(String.format(Locale.ROOT, "  bytes up %s; server CPU %s per published, %s per delivered;"
                    + " client CPU %s per message%n", r.bytesUp(), r.serverCpuPerPublished(), r.serverCpuPerDelivered(),
                    r.loadgenCpu()));
        }
        perTransport.forEach(l -> out.append("two-way per transport: ").append(l).append('\n'));
        extraConnection.forEach(l -> out.append("two-way second connection: ").append(l).append('\n'));
        inBand.forEach(l -> out.append("two-way in-band: ").append(l).append('\n'));
        warnings.forEach(l -> out.append("two-way warning: ").append(l).append('\n'));
        return out.toString();
    }
}
