package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The report's "Through a proxy" section: for every proxied cell, what reached the users, how late, how
 * often their connections were cut, and what the proxy cost, beside the same stack, transport and
 * protocol served directly in the same run ("what the hop adds"); then the proxies' generated
 * configurations, one per proxy and profile.
 *
 * <pre>
 *   ThroughProxy proxies = ThroughProxy.of(runDir, report.cells());
 *   proxies.isEmpty();    // true for a run without proxied cells: the section is not shown
 *   proxies.hops();       // one per proxied cell, in the report's order
 * </pre>
 *
 * <p>A proxied cell is paired with the direct cell of the same stack, transport and protocol and the same
 * repeat number, or, lacking that, the first direct one; the deltas are proxied − direct, shown only when
 * both were measured. Configuration files are read from the cell's directory ({@code path.configFile}),
 * when the report is built from a run directory; a missing or oversized file is said, not fatal.
 */
record ThroughProxy(List<Hop> hops, List<Setup> setups) {

    /** Configuration files above this size are cut: a generated proxy configuration is a few KiB. */
    static final int MAX_CONFIG_CHARS = 64 * 1024;

    static final ThroughProxy NONE = new ThroughProxy(List.of(), List.of());

    /**
     * One proxied cell beside its direct twin ({@code direct} null when the run has none). Every text is
     * as shown, {@link Format#ABSENT} when unknown.
     */
    record Hop(CellRow cell, CellRow direct, String delivered, String p50, String p99, String deltaP50,
               String deltaP99, String resilience, String proxyCpuPerMessage, String proxyCpuPercent,
               String proxyRssPerConnection, String proxyProcesses) {
    }

    /**
     * One proxy and profile as the run used it: the protocols on each side, the idle timeouts seen, and its
     * configuration texts (one per distinct text; the protocols' listeners may differ).
     */
    record Setup(String proxy, String profile, String version, String clientProtocols, String upstreamProtocols,
                 String idleTimeouts, List<ConfigText> configs) {

        String title() {
            return proxy + " \u00b7 " + profile;
        }
    }

    /** One configuration text and the cells that ran with it; {@code problem} says why {@code text} is null. */
    record ConfigText(String fileName, List<String> cells, String text, String problem) {
    }

    boolean isEmpty() {
        return hops.isEmpty();
    }

    /**
     * @param runDir the run directory holding {@code cells/}, or null when no configuration can be read
     */
    static ThroughProxy of(Path runDir, List<CellRow> cells) {
        List<Hop> hops = new ArrayList<>();
        for (CellRow cell : cells) {
            if (cell.proxied()) {
                hops.add(hop(cell, directTwin(cell, cells)));
            }
        }
        if (hops.isEmpty()) {
            return NONE;
        }
        return new ThroughProxy(List.copyOf(hops), setups(runDir, cells));
    }

    /** The direct cell of the same stack, transport and protocol: the same repeat when there is one. */
    static CellRow directTwin(CellRow proxied, List<CellRow> cells) {
        CellRow any = null;
        for (CellRow c : cells) {
            if (c.proxied() || !c.sameEndpointsAs(proxied)) {
                continue;
            }
            if (Objects.equals(c.repeat(), proxied.repeat())) {
                return c;
            }
            if (any == null) {
                any = c;
            }
        }
        return any;
    }

    private static Hop hop(CellRow cell, CellRow direct) {
        CellResult.Delivery d = cell.delivery();
        String delivered = d == null ? Format.ABSENT : Format.count(d.delivered()) + " / " + Format.count(d.expected())
                + (d.late() != null && d.late() > 0 ? " (" + Format.count(d.late()) + " late)" : "");
        HistogramSummary latency = cell.latency();
        boolean both = direct != null && cell.isMeasured() && direct.isMeasured();
        HistogramSummary directLatency = both ? direct.latency() : null;
        CellResult.ProxyCosts proxy = cell.costs().proxy();
        return new Hop(cell, direct, delivered,
                Format.micros(latency == null ? null : latency.p50()),
                Format.micros(latency == null ? null : latency.p99()),
                delta(latency == null ? null : latency.p50(), directLatency == null ? null : directLatency.p50()),
                delta(latency == null ? null : latency.p99(), directLatency == null ? null : directLatency.p99()),
                resilienceSummary(cell.resilience()),
                proxy == null ? Format.ABSENT : Format.micros(proxy.cpuMicrosPerMessage()),
                proxy == null ? Format.ABSENT : Format.percent(proxy.cpuPercent()),
                proxy == null ? Format.ABSENT : Format.bytes(proxy.rssBytesPerConnection()),
                proxy == null ? Format.ABSENT : Format.plain(proxy.processes()));
    }

    /** {@code +1.20 ms}, {@code −300 µs}, or "—" when either side is unknown. */
    static String delta(Double proxied, Double direct) {
        if (proxied == null || direct == null) {
            return Format.ABSENT;
        }
        double delta = Format.fourDigits(proxied - direct);
        return delta < 0 ? "\u2212" + Format.micros(-delta) : "+" + Format.micros(delta);
    }

    /**
     * A cell's resilience in one line: "3 cut, 3 reconnects · idle timeout 2, proxy close 1 · resume p50
     * 1.20 s, p99 2.50 s · across reconnects lost 4, duplicated 1"; "no cuts" when none; "—" when unknown.
     */
    static String resilienceSummary(CellResult.Resilience r) {
        if (r == null) {
            return Format.ABSENT;
        }
        List<String> parts = new ArrayList<>();
        long cuts = r.disconnects() == null ? 0 : r.disconnects();
        long reconnects = r.reconnects() == null ? 0 : r.reconnects();
        parts.add(cuts == 0 && reconnects == 0 ? "no cuts"
                : Format.count(r.disconnects()) + " cut, " + Format.count(r.reconnects()) + " reconnects");
        String causes = causes(r.cutsByCause());
        if (!causes.isEmpty()) {
            parts.add(causes);
        }
        HistogramSummary resume = r.resumeMicros();
        if (resume != null && resume.count() != null && resume.count() > 0) {
            parts.add("resume p50 " + Format.micros(resume.p50()) + ", p99 " + Format.micros(resume.p99()));
        }
        long lost = r.lostAcrossReconnect() == null ? 0 : r.lostAcrossReconnect();
        long duplicated = r.duplicatedAcrossReconnect() == null ? 0 : r.duplicatedAcrossReconnect();
        if (lost > 0 || duplicated > 0) {
            parts.add("across reconnects lost " + Format.count(lost) + ", duplicated " + Format.count(duplicated));
        }
        return String.join(" \u00b7 ", parts);
    }

    /** The non-zero causes: "idle timeout 2, proxy close 1"; empty when none is. */
    static String causes(CellResult.CutsByCause c) {
        if (c == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        cause(parts, "idle timeout", c.idleTimeout());
        cause(parts, "server close", c.serverClose());
        cause(parts, "proxy close", c.proxyClose());
        cause(parts, "error", c.error());
        return String.join(", ", parts);
    }

    private static void cause(List<String> parts, String label, Long count) {
        if (count != null && count > 0) {
            parts.add(label + " " + Format.count(count));
        }
    }

    private static List<Setup> setups(Path runDir, List<CellRow> cells) {
        Map<String, List<CellRow>> byProxy = new LinkedHashMap<>();
        for (CellRow cell : cells) {
            CellResult.PathInfo p = cell.pathInfo();
            if (cell.proxied() && p != null && p.proxy() != null) {
                byProxy.computeIfAbsent(p.proxy() + "\u0000" + p.profile(), k -> new ArrayList<>()).add(cell);
            }
        }
        List<Setup> setups = new ArrayList<>();
        byProxy.forEach((key, using) -> {
            CellResult.PathInfo first = using.get(0).pathInfo();
            Set<String> versions = new LinkedHashSet<>();
            Set<String> client = new LinkedHashSet<>();
            Set<String> upstream = new LinkedHashSet<>();
            Set<String> idle = new LinkedHashSet<>();
            Map<String, ConfigText> texts = new LinkedHashMap<>();
            for (CellRow cell : using) {
                CellResult.PathInfo p = cell.pathInfo();
                addIfPresent(versions, p.version());
                addIfPresent(client, p.clientProtocol());
                addIfPresent(upstream, p.upstreamProtocol());
                addIfPresent(idle, p.idleTimeoutMillis() == null ? null : Format.micros(p.idleTimeoutMillis() * 1000.0));
                ConfigText read = readConfig(runDir, cell);
                // cells whose files hold the same text share one block
                String textKey = read.text() != null ? "text:" + read.text() : "problem:" + read.problem();
                ConfigText known = texts.get(textKey);
                List<String> names = new ArrayList<>(known == null ? List.of() : known.cells());
                names.add(cell.name());
                texts.put(textKey, new ConfigText(known == null ? read.fileName() : known.fileName(), List.copyOf(names),
                        read.text(), read.problem()));
            }
            setups.add(new Setup(first.proxy(), first.profile() == null ? Format.ABSENT : first.profile(),
                    joinedOrAbsent(versions), joinedOrAbsent(client), joinedOrAbsent(upstream), joinedOrAbsent(idle),
                    List.copyOf(texts.values())));
        });
        return List.copyOf(setups);
    }

    private static ConfigText readConfig(Path runDir, CellRow cell) {
        String file = cell.pathInfo().configFile();
        if (file == null) {
            return new ConfigText(null, List.of(), null, "summary.json names no path.configFile");
        }
        if (!CellRow.isSafeName(file) || !CellRow.isSafeName(cell.name())) {
            return new ConfigText(file, List.of(), null, "path.configFile is not a plain file name, so it was not read");
        }
        if (runDir == null) {
            return new ConfigText(file, List.of(), null, "not read: the report was not built from a run directory");
        }
        Path config = runDir.resolve(RunReport.CELLS_DIR).resolve(cell.name()).resolve(file);
        if (!Files.isRegularFile(config)) {
            return new ConfigText(file, List.of(), null, file + " is missing from the cell's directory");
        }
        try {
            String text = Files.readString(config, StandardCharsets.UTF_8);
            if (text.length() > MAX_CONFIG_CHARS) {
                text = text.substring(0, MAX_CONFIG_CHARS) + "\n\u2026 cut at " + MAX_CONFIG_CHARS + " characters; the whole"
                        + " file is in the cell's directory\n";
            }
            return new ConfigText(file, List.of(), text, null);
        } catch (IOException | RuntimeException e) {
            return new ConfigText(file, List.of(), null, file + " is unreadable: " + e);
        }
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null && !value.isEmpty()) {
            set.add(value);
        }
    }

    private static String joinedOrAbsent(Set<String> values) {
        return values.isEmpty() ? Format.ABSENT : String.join(", ", values);
    }

    /** The section as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Hop h : hops) {
            out.append("through a proxy: ").append(h.cell().label()).append('\n');
            out.append("  direct: ").append(h.direct() == null ? "none in this run" : h.direct().name()).append('\n');
            out.append("  delivered ").append(h.delivered()).append(", p50 ").append(h.p50()).append(" (")
                    .append(h.deltaP50()).append("), p99 ").append(h.p99()).append(" (").append(h.deltaP99())
                    .append(")\n");
            out.append("  resilience: ").append(h.resilience()).append('\n');
            out.append("  proxy: cpu/msg ").append(h.proxyCpuPerMessage()).append(", cpu ").append(h.proxyCpuPercent())
                    .append(", rss/conn ").append(h.proxyRssPerConnection()).append(", processes ")
                    .append(h.proxyProcesses()).append('\n');
        }
        for (Setup s : setups) {
            out.append("proxy setup: ").append(s.title()).append(", version ").append(s.version()).append(", client ")
                    .append(s.clientProtocols()).append(", upstream ").append(s.upstreamProtocols())
                    .append(", idle timeout ").append(s.idleTimeouts()).append('\n');
            for (ConfigText c : s.configs()) {
                out.append("  config ").append(c.fileName()).append(" of ").append(String.join(", ", c.cells()))
                        .append(": ").append(c.text() == null ? c.problem() : c.text().lines().count() + " lines")
                        .append('\n');
            }
        }
        return out.toString();
    }
}
