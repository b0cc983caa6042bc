package dev.pushbench.report;

import static dev.pushbench.report.ReportWriterTest.cellBody;
import static dev.pushbench.report.ReportWriterTest.figure;
import static dev.pushbench.report.ReportWriterTest.figureTag;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cells through a proxy ({@link ProxyRun}): the path is part of a cell's identity everywhere the report names or
 * groups cells, resilience and the proxy's costs are shown, and the "Through a proxy" section sets each proxied
 * cell beside its direct twin, with the proxies' configurations, escaped. Older runs show none of it.
 */
class ProxyReportTest {
    @TempDir
    Path results;

    @Test
    void directAndProxiedCellsOfOneStackTransportAndProtocolAreNeverRepeatsOfEachOther() throws IOException {
        Path runDir = ProxyRun.write(results);
        RunReport report = RunReport.read(runDir);

        Map<String, String> configurations = new LinkedHashMap<>();
        report.cells().forEach(c -> configurations.put(c.name(), c.configuration()));
        assertEquals("jetty-sse-http1.1", configurations.get(ProxyRun.SSE_DIRECT_2));
        assertEquals("jetty-sse-http1.1-nginx-push", configurations.get(ProxyRun.SSE_PUSH_2));
        assertEquals("jetty-sse-http1.1-nginx-stock-nohints", configurations.get(ProxyRun.SSE_STOCK_NOHINTS));

        // compare folds repeats by configuration: the direct and the proxied SSE cells stay two, of two repeats each
        RunComparison same = RunComparison.compare(runDir, runDir, List.of(), 10.0);
        Map<String, Integer> repeats = new LinkedHashMap<>();
        same.rows().stream().filter(r -> r.metric().name().equals("p99"))
                .forEach(r -> repeats.put(r.configuration(), r.a().repeats()));
        assertEquals(Map.of("jetty-sse-http1.1", 2, "jetty-sse-http1.1-nginx-push", 2,
                "jetty-sse-http1.1-nginx-stock-nohints", 1, "jetty-websocket-http1.1", 1,
                "jetty-websocket-http1.1-haproxy-stock", 1), repeats);
        assertEquals(3_100.0, same.rows().stream().filter(r -> r.metric().name().equals("p99")
                && r.configuration().equals("jetty-sse-http1.1")).findFirst().orElseThrow().a().median(),
                "the direct median is of the direct repeats only (3,000 and 3,200 µs)");

        Verdict.Finding latency = report.verdict().findings().get(0);
        assertEquals("jetty-websocket-http1.1", latency.best().configuration());
        assertEquals("jetty-sse-http1.1", latency.runnerUp().configuration());
        assertEquals(List.of(ProxyRun.SSE_DIRECT_1, ProxyRun.SSE_DIRECT_2),
                latency.runnerUp().cells().stream().map(CellRow::name).toList(), "no proxied cell among its repeats");
        assertTrue(report.verdict().notes().stream().anyMatch(n -> n.startsWith("cells through a proxy compete")
                && n.contains(ProxyRun.WS_HAPROXY)), report.verdict().notes().toString());
    }

    @Test
    void eachCellShowsItsPathItsCutsAndItsProxysCost() throws IOException {
        String html = Files.readString(ReportWriter.write(ProxyRun.write(results)), StandardCharsets.UTF_8);

        String direct = cellBody(html, ProxyRun.WS_DIRECT);
        assertFalse(direct.contains("class=\"path\""), "a direct cell names no path: " + direct);
        assertEquals("0 / 0", figure(direct, "cuts"));

        String nohints = cellBody(html, ProxyRun.SSE_STOCK_NOHINTS);
        assertTrue(nohints.contains("<div class=\"path\" title=\"jetty · sse · http1.1 · nginx-stock (no X-Accel-Buffering)\">"
                + "via nginx-stock (no X-Accel-Buffering)</div>"), nohints);
        assertTrue(nohints.contains("through nginx · stock · nginx/1.26.3: client http1.1, upstream http1.0,"
                + " idle timeout 60.0 s"), nohints);

        String haproxy = cellBody(html, ProxyRun.WS_HAPROXY);
        assertEquals("20 / 18<div class=\"detail\">idle 15 · proxy 3 · error 2 · resume p50 1.10 s, p99 1.50 s"
                + " · lost 40, dup. 0</div>", figure(haproxy, "cuts"));
        assertTrue(figureTag(haproxy, "cuts").contains("class=\"num bad"), "a cut is bad: " + haproxy);
        assertTrue(figureTag(haproxy, "cuts").contains("data-v=\"20\""), haproxy);
        assertEquals("6 µs", figure(haproxy, "cpu-proxy"));
        assertTrue(haproxy.contains("proxy CPU 6 µs per message, 4.2 %; proxy RSS per connection 2.0 KiB"
                + " (idle 39.1 KiB, at load 239.1 KiB), 2 processes"), haproxy);
        assertEquals("—", figure(direct, "cpu-proxy"), "no proxy, no proxy cost");

        String notRun = cellBody(html, ProxyRun.LP_NOT_RUN);
        assertTrue(notRun.contains("<b>long-polling</b><div class=\"stack\">h2c · jetty</div>"
                + "<div class=\"path\" title=\"jetty · long-polling · h2c · haproxy-push\">via haproxy-push</div>"),
                "a cell without a summary takes its path from its name: " + notRun);
    }

    @Test
    void throughAProxySetsEachProxiedCellBesideItsDirectTwin() throws IOException {
        Path runDir = ProxyRun.write(results);
        RunReport report = RunReport.read(runDir);

        List<ThroughProxy.Hop> hops = report.proxies().hops();
        assertEquals(List.of(ProxyRun.SSE_PUSH_1, ProxyRun.SSE_PUSH_2, ProxyRun.SSE_STOCK_NOHINTS, ProxyRun.WS_HAPROXY,
                ProxyRun.LP_NOT_RUN), hops.stream().map(h -> h.cell().name()).toList());
        ThroughProxy.Hop push2 = hops.get(1);
        assertEquals(ProxyRun.SSE_DIRECT_2, push2.direct().name(), "the same repeat's direct cell");
        assertEquals("+1.50 ms", push2.deltaP99(), "4.70 ms through nginx, 3.20 ms direct");
        assertEquals("+400 µs", push2.deltaP50());
        assertEquals("13 µs", push2.proxyCpuPerMessage());
        ThroughProxy.Hop stock = hops.get(2);
        assertEquals(ProxyRun.SSE_DIRECT_1, stock.direct().name(), "no repeat: the first direct cell");
        assertEquals("+60.4 s", stock.deltaP99());
        assertEquals("50 cut, 50 reconnects · idle timeout 50 · resume p50 3.00 s, p99 3.90 s"
                + " · across reconnects lost 0, duplicated 12", stock.resilience());
        ThroughProxy.Hop notRun = hops.get(4);
        assertNull(notRun.direct(), "no direct long-polling cell in this run");
        assertEquals("—", notRun.deltaP99());

        List<String> setups = report.proxies().setups().stream().map(ThroughProxy.Setup::title).toList();
        assertEquals(List.of("nginx · push", "nginx · stock", "haproxy · stock"), setups,
                "the never-run cell has no path record, so no setup");
        ThroughProxy.Setup push = report.proxies().setups().get(0);
        assertEquals(1, push.configs().size(), "both repeats ran one configuration text");
        assertEquals(List.of(ProxyRun.SSE_PUSH_1, ProxyRun.SSE_PUSH_2), push.configs().get(0).cells());
        assertEquals("3600 s", push.idleTimeouts());

        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);
        String section = html.substring(html.indexOf("<section class=\"proxy\" id=\"through-a-proxy\">"));
        section = section.substring(0, section.indexOf("</section>"));
        assertTrue(section.contains("<tr data-cell=\"" + ProxyRun.SSE_PUSH_2 + "\"><td><a href=\"#cell-" + ProxyRun.SSE_PUSH_2
                + "\">jetty · sse · http1.1</a></td><td>nginx-push</td>"), section);
        assertTrue(section.contains("<a href=\"#cell-" + ProxyRun.SSE_DIRECT_2 + "\">" + ProxyRun.SSE_DIRECT_2 + "</a>"),
                section);
        assertTrue(section.contains("<details class=\"proxy-config\" data-proxy=\"nginx · push\"><summary><b>nginx · push</b>"
                + " · nginx/1.26.3 · client http1.1 → upstream http1.1 · idle timeout "), section);
        assertTrue(section.contains("proxy_buffering off;"), "the configuration's text is shown: " + section);
        assertFalse(html.contains(ProxyRun.HOSTILE_CONFIG_LINE), "a configuration's text is escaped");
        assertTrue(section.contains("# &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), section);
        assertTrue(html.indexOf("id=\"results\"") < html.indexOf("id=\"through-a-proxy\"")
                && html.indexOf("id=\"through-a-proxy\"") < html.indexOf("id=\"charts\""), "after the table, before the charts");
    }

    @Test
    void aMissingConfigurationIsSaidNotFatal() throws IOException {
        Path runDir = ProxyRun.write(results);
        Files.delete(runDir.resolve("cells").resolve(ProxyRun.WS_HAPROXY).resolve("haproxy.cfg"));

        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);

        assertTrue(html.contains("⚠ haproxy.cfg is missing from the cell&#39;s directory")
                || html.contains("⚠ haproxy.cfg is missing from the cell's directory"), html);
    }

    @Test
    void resilienceAndTheProxysCostAreCharted() throws IOException {
        Path runDir = ProxyRun.write(results);
        ChartSet charts = ChartSet.read(runDir, RunReport.read(runDir).cells());

        Map<String, ChartSet.Chart> byId = new LinkedHashMap<>();
        charts.charts().forEach(c -> byId.put(c.id(), c));
        ChartSet.Chart cuts = byId.get("resilience-cuts");
        assertEquals(List.of("idle timeout", "server close", "proxy close", "error"),
                cuts.series().stream().map(ChartSet.Series::label).toList());
        assertTrue(cuts.categories().contains("websocket-http1.1-haproxy-stock"), "series named with the path: "
                + cuts.categories());
        assertEquals(List.of("p50", "p99"), byId.get("resilience-resume").series().stream().map(ChartSet.Series::label).toList());
        assertTrue(byId.get("cost-cpu").series().stream().anyMatch(s -> s.label().equals("proxy")));
        assertTrue(byId.get("cost-memory").series().stream().anyMatch(s -> s.label().equals("proxy RSS")));
    }

    @Test
    void anOlderRunWithoutPathsOrResilienceShowsNoneOfIt() throws IOException {
        Path runDir = ResultsTree.copyFixture(RunFormatsTest.OLD_FORMAT_RUN, results);

        RunReport report = RunReport.read(runDir);
        String html = Files.readString(ReportWriter.write(runDir), StandardCharsets.UTF_8);

        assertTrue(report.proxies().isEmpty());
        assertTrue(report.cells().stream().noneMatch(CellRow::proxied));
        assertFalse(html.contains("id=\"through-a-proxy\""), "no section without proxied cells");
        assertFalse(html.contains("data-k=\"cuts\""), "no resilience column without resilience");
        assertFalse(html.contains("data-k=\"cpu-proxy\""));
        assertFalse(html.contains("chart-resilience"));
        assertEquals("6.41 ms", figure(cellBody(html, "jetty-sse-http1.1"), "p99"), "its figures still show");
    }

    @Test
    void cellNamesSplitIntoStackTransportProtocolAndPath() {
        assertArrayEquals(new String[] {"jetty", "sse", "http1.1", null, null, null}, CellRow.splitName("jetty-sse-http1.1"));
        assertArrayEquals(new String[] {"jetty", "long-polling", "h2c", "haproxy-push", null, null},
                CellRow.splitName("jetty-long-polling-h2c-haproxy-push"));
        assertArrayEquals(new String[] {"vertx", "sse", "https1.1", "nginx-stock", "false", null},
                CellRow.splitName("vertx-sse-https1.1-nginx-stock-nohints"));
        assertArrayEquals(new String[] {"jetty", "short-polling", "h2", null, null, null},
                CellRow.splitName("jetty-short-polling-h2-none"));
        assertArrayEquals(new String[] {"jetty", "sse", "spdy", null, null, null}, CellRow.splitName("jetty-sse-spdy"),
                "an unknown protocol: the last part, as before");
        assertArrayEquals(new String[] {"jetty", "sse", "http1.1", null, "false", null}, CellRow.splitName("jetty-sse-http1.1-nohints"),
                "a direct SSE cell without the hint");
        assertEquals("jetty-sse-http1.1-nginx-push", CellRow.configurationOf("jetty-sse-http1.1-nginx-push-r3"));
    }
}
