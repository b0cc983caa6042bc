package dev.pushbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a generated report.html from disk in headless Debian Chromium, as a reader would, and checks what
 * only a browser can: no console error, exception or CSP violation; no request but the file itself; every
 * chart's canvas present and drawn in its series' colours; the verdict shown; a scenario named
 * {@code <script>alert(1)</script>} shown as text, running nothing.
 *
 * <p>Without chromium the test is skipped, unless the environment variable {@code CI} is set: CI installs
 * chromium ({@code .ci/run}), so there its absence is a failure. A screenshot of the page is left in
 * {@code target/report-screenshot.png} (and of the run through proxies in {@code target/proxy-report-screenshot.png},
 * of the run with faults in {@code target/fault-report-screenshot.png}, of a cluster run's "Load agents" in
 * {@code target/cluster-report-screenshot.png}) for a person to look at.
 */
class BrowserReportTest {
    private static final String EVIL_NAME = "<script>alert(1)</script>";

    /** Runs in the page: per chart, its canvas and how many pixels carry each series' colour. */
    private static final String INSPECT = """
            new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => {
              const model = JSON.parse(document.getElementById('chart-data').textContent);
              const rgb = hex => [1, 3, 5].map(i => parseInt(hex.substr(i, 2), 16));
              const charts = model.charts.map(chart => {
                const holder = document.getElementById('chart-' + chart.id);
                const canvases = holder ? holder.querySelectorAll('canvas') : [];
                let painted = 0;
                const seriesPixels = chart.series.map(() => 0);
                if (canvases.length === 1) {
                  const c = canvases[0];
                  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  const colours = chart.series.map(s => rgb(s.color));
                  for (let i = 0; i < data.length; i += 4) {
                    if (data[i + 3] === 0) continue;
                    painted++;
                    colours.forEach((col, k) => {
                      if (Math.abs(data[i] - col[0]) + Math.abs(data[i + 1] - col[1])
                          + Math.abs(data[i + 2] - col[2]) < 30) seriesPixels[k]++;
                    });
                  }
                }
                return { id: chart.id, holder: !!holder, canvases: canvases.length,
                  width: canvases.length ? canvases[0].width : 0, painted, seriesPixels,
                  labels: chart.series.map(s => s.label) };
              });
              const verdict = document.getElementById('verdict');
              resolve({ charts, plots: document.querySelectorAll('.plot').length,
                verdict: verdict ? verdict.textContent : null, h1: document.querySelector('h1').textContent,
                title: document.title, scripts: document.scripts.length });
            })))
            """;

    @TempDir
    Path dir;

    private static Path chromium() {
        Path chromium = DevTools.findChromium();
        if (chromium == null) {
            if (System.getenv("CI") != null) {
                fail("chromium is not installed, and CI is set: .ci/run installs Debian's chromium before the tests");
            }
            Assumptions.abort("chromium is not installed (apt-get install chromium); skipping the browser test");
        }
        return chromium;
    }

    /**
     * A real run's table, with every cost column (server and client CPU, heap, bytes, requests), fits a
     * 1400 px wide window: the reader sees the whole row without scrolling sideways.
     */
    @Test
    @Timeout(180)
    void theResultsTableFitsA1400PixelWindow() throws Exception {
        Path chromium = chromium();
        Path report = ReportWriter.write(ResultsTree.copyFixture(RunFormatsTest.OLD_FORMAT_RUN, dir.resolve("results")));

        try (DevTools browser = DevTools.launch(chromium, dir.resolve("profile"), "--window-size=1400,1000")) {
            String page = browser.newPage();
            browser.navigate(page, report.toUri().toString());
            JsonNode sizes = browser.evaluate(page, """
                    (() => {
                      const wrap = document.querySelector('.table-wrap');
                      const widths = Array.from(document.querySelector('table.matrix tbody tr').children)
                        .map(td => (td.getAttribute('data-k') || td.className) + ':' + Math.round(td.getBoundingClientRect().width));
                      return { window: window.innerWidth, scroll: wrap.scrollWidth, client: wrap.clientWidth, widths,
                        columns: document.querySelectorAll('table.matrix thead tr:last-child th').length };
                    })()""");

            assertEquals(1400, sizes.path("window").asInt(), sizes.toString());
            assertEquals(13, sizes.path("columns").asInt(), "from, 5 percentiles, 2 connect, 5 costs: " + sizes);
            assertTrue(sizes.path("scroll").asInt() <= sizes.path("client").asInt(),
                    "the table scrolls sideways at 1400 px: " + sizes);
        }
    }

    /**
     * No chart's y-axis labels run off the canvas's left edge (issue 9: "…400 requests"): the three leftmost
     * pixel columns of every chart hold no drawn pixel. The fixture's requests chart has ticks like
     * {@code 0.200 requests}.
     */
    @Test
    @Timeout(180)
    void noChartCutsItsAxisLabels() throws Exception {
        Path chromium = chromium();
        Path report = ReportWriter.write(ResultsTree.copyFixture(RunFormatsTest.OLD_FORMAT_RUN, dir.resolve("results")));

        try (DevTools browser = DevTools.launch(chromium, dir.resolve("profile"), "--window-size=1400,1000")) {
            String page = browser.newPage();
            browser.navigate(page, report.toUri().toString());
            JsonNode edges = browser.evaluate(page, """
                    new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => {
                      const edges = {};
                      document.querySelectorAll('.plot').forEach(plot => {
                        const canvas = plot.querySelector('canvas');
                        const data = canvas.getContext('2d').getImageData(0, 0, 3, canvas.height).data;
                        let drawn = 0;
                        for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) drawn++; }
                        edges[plot.id] = drawn;
                      });
                      resolve(edges);
                    })))""");

            assertTrue(edges.has("chart-cost-requests"), "the requests chart is drawn: " + edges);
            edges.fields().forEachRemaining(e -> assertEquals(0, e.getValue().asInt(),
                    e.getKey() + " draws at its canvas's left edge, so a label is cut: " + edges));
        }
    }

    @Test
    @Timeout(180)
    void theReportRendersInARealBrowserWithoutErrorsOrRequests() throws Exception {
        Path chromium = chromium();
        Path runDir = ResultsTree.copyFixture(ResultsTree.MINI_RUN, dir.resolve("results"));
        Path runJson = runDir.resolve("run.json");
        Files.writeString(runJson, Files.readString(runJson, StandardCharsets.UTF_8)
                .replace("\"name\" : \"mini\"", "\"name\" : \"" + EVIL_NAME.replace("/", "\\/") + "\""));
        Path report = ReportWriter.write(runDir);
        String url = report.toUri().toString();

        try (DevTools browser = DevTools.launch(chromium, dir.resolve("profile"), "--window-size=1400,1000")) {
            String page = browser.newPage();
            browser.navigate(page, url);
            JsonNode seen = browser.evaluate(page, INSPECT);

            List<String> problems = problems(browser, page);
            assertEquals(List.of(), problems, "no console errors, exceptions or CSP violations");
            assertEquals(List.of(), browser.events("Page.javascriptDialogOpening", page), "no alert ran");

            List<String> requests = browser.events("Network.requestWillBeSent", page).stream()
                    .map(e -> e.path("params").path("request").path("url").asText()).toList();
            assertEquals(List.of(url), requests, "the file itself is the only request");

            assertEquals(EVIL_NAME, seen.path("h1").asText(), "the scenario name shows as text");
            assertTrue(seen.path("title").asText().startsWith(EVIL_NAME), seen.path("title").asText());
            assertEquals(3, seen.path("scripts").asInt(), "uPlot, report.js and the data block; nothing injected");
            String verdict = seen.path("verdict").asText();
            assertTrue(verdict.contains("Delivery latency") && verdict.contains("jetty-websocket-http1.1")
                    && verdict.contains("+23 %"), verdict);

            JsonNode charts = seen.path("charts");
            assertEquals(5, charts.size(), "latency, intended vs actual, over time, connect, CPU: " + charts);
            assertEquals(5, seen.path("plots").asInt(), "one holder per chart");
            for (JsonNode chart : charts) {
                String id = chart.path("id").asText();
                assertEquals(1, chart.path("canvases").asInt(), id + ": one canvas");
                assertTrue(chart.path("width").asInt() >= 300, id + ": laid out at a usable width: " + chart);
                assertTrue(chart.path("painted").asInt() > 5_000, id + ": the canvas is drawn: " + chart);
                int seriesDrawn = 0;
                for (JsonNode pixels : chart.path("seriesPixels")) {
                    seriesDrawn += pixels.asInt() >= 20 ? 1 : 0;
                }
                int distinctColours = (int) java.util.stream.StreamSupport.stream(chart.path("labels").spliterator(), false)
                        .count();
                assertTrue(seriesDrawn >= Math.min(2, distinctColours), id + ": its series are drawn: " + chart);
            }

            JsonNode sorted = browser.evaluate(page, """
                    (() => {
                      const first = () => document.querySelector('table.matrix tbody').id;
                      const th = document.querySelector('table.matrix th[data-sort="p99"]');
                      th.click();
                      const ascending = first();
                      th.click();
                      return [ascending, first(), th.getAttribute('aria-sort')];
                    })()""");
            assertEquals("[\"cell-jetty-websocket-http1.1\",\"cell-jetty-short-polling-h2c\",\"descending\"]",
                    sorted.toString(), "clicking p99 sorts the cells by it, twice reverses");

            JsonNode shot = browser.send(page, "Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true));
            assertNotNull(shot.get("data"));
            Path screenshot = Path.of("target", "report-screenshot.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, Base64.getDecoder().decode(shot.get("data").asText()));
        }
    }
    /** Console errors and warnings, exceptions and CSP violations the page caused. */
    /**
     * Opens the report at {@code url}, runs {@link #INSPECT}, and checks the page raised no console error, exception or
     * CSP violation and requested nothing but its own file; returns what INSPECT saw.
     */
    private static JsonNode openClean(DevTools browser, String page, String url) throws Exception {
        browser.navigate(page, url);
        JsonNode seen = browser.evaluate(page, INSPECT);
        assertEquals(List.of(), problems(browser, page), "no console errors, exceptions or CSP violations");
        assertEquals(List.of(url), browser.events("Network.requestWillBeSent", page).stream()
                .map(e -> e.path("params").path("request").path("url").asText()).toList(), "the file itself only");
        return seen;
    }

    private static List<String> problems(DevTools browser, String page) throws Exception {
        List<String> problems = new ArrayList<>();
        for (JsonNode call : browser.events("Runtime.consoleAPICalled", page)) {
            String type = call.path("params").path("type").asText();
            if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
                problems.add("console." + type + ": " + call.path("params").path("args"));
            }
        }
        for (JsonNode thrown : browser.events("Runtime.exceptionThrown", page)) {
            problems.add("exception: " + thrown.path("params").path("exceptionDetails"));
        }
        for (JsonNode entry : browser.events("Log.entryAdded", page)) {
            String level = entry.path("params").path("entry").path("level").asText();
            if (level.equals("error") || level.equals("warning")) {
                problems.add("log " + level + ": " + entry.path("params").path("entry").path("text").asText());
            }
        }
        return problems;
    }

    /**
     * A run with proxied cells: the "Through a proxy" section and its configurations, the Cuts column and the
     * resilience charts render without an error or a request, every chart is drawn, a configuration's hostile
     * text runs nothing, and the table, with its Cuts and proxy CPU columns, still fits a 1400 px window.
     */
    @Test
    @Timeout(180)
    void aRunThroughProxiesRendersItsSectionColumnsAndCharts() throws Exception {
        Path chromium = chromium();
        Path report = ReportWriter.write(ProxyRun.write(dir.resolve("results")));
        String url = report.toUri().toString();

        try (DevTools browser = DevTools.launch(chromium, dir.resolve("profile"), "--window-size=1400,1000")) {
            String page = browser.newPage();
            browser.navigate(page, url);
            JsonNode seen = browser.evaluate(page, INSPECT);

            assertEquals(List.of(), problems(browser, page), "no console errors, exceptions or CSP violations");
            assertEquals(List.of(), browser.events("Page.javascriptDialogOpening", page), "no alert ran");
            assertEquals(List.of(url), browser.events("Network.requestWillBeSent", page).stream()
                    .map(e -> e.path("params").path("request").path("url").asText()).toList(), "the file itself only");
            assertEquals(3, seen.path("scripts").asInt(), "a configuration's text injected no script");

            List<String> ids = new ArrayList<>();
            for (JsonNode chart : seen.path("charts")) {
                String id = chart.path("id").asText();
                ids.add(id);
                assertEquals(1, chart.path("canvases").asInt(), id + ": one canvas");
                assertTrue(chart.path("painted").asInt() > 5_000, id + ": the canvas is drawn: " + chart);
                int seriesDrawn = 0;
                for (JsonNode pixels : chart.path("seriesPixels")) {
                    seriesDrawn += pixels.asInt() >= 20 ? 1 : 0;
                }
                assertTrue(seriesDrawn >= Math.min(2, chart.path("labels").size()), id + ": its series are drawn: " + chart);
            }
            assertTrue(ids.containsAll(List.of("resilience-cuts", "resilience-resume")), ids.toString());

            JsonNode layout = browser.evaluate(page, """
                    (() => {
                      const wrap = document.querySelector('.table-wrap');
                      const details = document.querySelector('details.proxy-config');
                      const pre = details.querySelector('pre');
                      const closed = pre.checkVisibility();
                      details.open = true;
                      const open = pre.checkVisibility() && pre.getBoundingClientRect().height;
                      const widths = Array.from(document.querySelector('table.matrix tbody tr').children)
                        .map(td => (td.getAttribute('data-k') || td.className) + ':' + Math.round(td.getBoundingClientRect().width));
                      return { scroll: wrap.scrollWidth, client: wrap.clientWidth, closed, open, widths,
                        section: !!document.getElementById('through-a-proxy'),
                        rows: document.querySelectorAll('#through-a-proxy tbody tr').length };
                    })()""");
            assertTrue(layout.path("section").asBoolean(), layout.toString());
            assertEquals(5, layout.path("rows").asInt(), "one row per proxied cell: " + layout);
            assertFalse(layout.path("closed").asBoolean(), "a configuration is folded until asked for: " + layout);
            assertTrue(layout.path("open").asInt() > 100, "and shown when opened: " + layout);
            assertTrue(layout.path("scroll").asInt() <= layout.path("client").asInt(),
                    "the results table scrolls sideways at 1400 px: " + layout);

            JsonNode shot = browser.send(page, "Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true));
            Path screenshot = Path.of("target", "proxy-report-screenshot.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, Base64.getDecoder().decode(shot.get("data").asText()));
        }
    }
    /**
     * A run with faults and a 4g link: the "Recovery" section and the Links note render without an error or a
     * request, every chart is drawn, the latency-over-time chart draws one dashed line per fault (six), and the
     * results table, with its relay column, still fits a 1400 px window.
     */
    @Test
    @Timeout(180)
    void aRunWithFaultsRendersItsRecoverySectionAndMarksTheFaults() throws Exception {
        Path chromium = chromium();
        Path report = ReportWriter.write(FaultRun.write(dir.resolve("results")));
        String url = report.toUri().toString();

        try (DevTools browser = DevTools.launch(chromium, dir.resolve("profile"), "--window-size=1400,1000")) {
            String page = browser.newPage();
            JsonNode seen = openClean(browser, page, url);
            for (JsonNode chart : seen.path("charts")) {
                String id = chart.path("id").asText();
                assertEquals(1, chart.path("canvases").asInt(), id + ": one canvas");
                assertTrue(chart.path("painted").asInt() > 5_000, id + ": the canvas is drawn: " + chart);
            }

            JsonNode layout = browser.evaluate(page, """
                    (() => {
                      const wrap = document.querySelector('.table-wrap');
                      const overTime = document.getElementById('chart-latency-over-time');
                      const section = document.getElementById('recovery');
                      return { scroll: wrap.scrollWidth, client: wrap.clientWidth,
                        markers: overTime ? overTime.getAttribute('data-markers') : null,
                        section: !!section && section.checkVisibility(),
                        groups: document.querySelectorAll('#recovery table.recovery').length,
                        rows: document.querySelectorAll('#recovery tbody tr').length,
                        links: document.querySelectorAll('ul.links li').length };
                    })()""");
            assertEquals("6", layout.path("markers").asText(), "one line per fault on the chart: " + layout);
            assertTrue(layout.path("section").asBoolean(), layout.toString());
            assertEquals(3, layout.path("groups").asInt(), "cut + blackhole, restart, cut (drop): " + layout);
            assertEquals(5, layout.path("rows").asInt(), "one row per faulted cell: " + layout);
            assertEquals(1, layout.path("links").asInt(), "one link, 4g: " + layout);
            assertTrue(layout.path("scroll").asInt() <= layout.path("client").asInt(),
                    "the results table scrolls sideways at 1400 px: " + layout);

            JsonNode shot = browser.send(page, "Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true));
            Path screenshot = Path.of("target", "fault-report-screenshot.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, Base64.getDecoder().decode(shot.get("data").asText()));
        }
    }

    /**
     * A two-way run: the "Two-way" section renders without an error or a request, shows one row per cell that
     * published, flags its failed messages, and lists its three kinds of comparison.
     */
    @Test
    @Timeout(180)
    void aTwoWayRunRendersItsSection() throws Exception {
        Path chromium = chromium();
        Path report = ReportWriter.write(TwoWayRun.write(dir.resolve("results")));
        String url = report.toUri().toString();

        try (DevTools browser = DevTools.launch(chromium, dir.resolve("profile"), "--window-size=1400,1000")) {
            String page = browser.newPage();
            openClean(browser, page, url);
            JsonNode layout = browser.evaluate(page, """
                    (() => {
                      const section = document.getElementById('two-way');
                      return { section: section.checkVisibility(),
                        rows: section.querySelectorAll('table.two-way tbody tr').length,
                        failed: section.querySelectorAll('table.two-way td.bad').length,
                        lists: section.querySelectorAll('ul.two-way').length };
                    })()""");
            assertTrue(layout.path("section").asBoolean(), layout.toString());
            assertEquals(5, layout.path("rows").asInt(), "one row per cell that published: " + layout);
            assertEquals(1, layout.path("failed").asInt(), "the long-polling cell's failed messages: " + layout);
            assertEquals(3, layout.path("lists").asInt(), "per transport, second connection, in-band: " + layout);
        }
    }
    /**
     * A capacity run: the "Capacity" section renders without an error or a request; its bar chart and every cell's
     * latency-against-load curve have one drawn canvas each; the bars of the four cells whose bound was not the SLO are
     * drawn open-ended (an arrow and "≥"), the SLO-bound one plain; each curve with a capacity point marks it; and the
     * steps are folded until asked for.
     */
    @Test
    @Timeout(180)
    void aCapacityRunDrawsItsBarsWithTheOpenBoundsMarkedAndItsCurves() throws Exception {
        Path chromium = chromium();
        Path report = ReportWriter.write(CapacityRun.write(dir.resolve("results")));
        String url = report.toUri().toString();

        try (DevTools browser = DevTools.launch(chromium, dir.resolve("profile"), "--window-size=1400,1000")) {
            String page = browser.newPage();
            JsonNode seen = openClean(browser, page, url);
            List<String> capacityCharts = new ArrayList<>();
            for (JsonNode chart : seen.path("charts")) {
                String id = chart.path("id").asText();
                assertEquals(1, chart.path("canvases").asInt(), id + ": one canvas");
                assertTrue(chart.path("painted").asInt() > 5_000, id + ": the canvas is drawn: " + chart);
                if (id.startsWith("capacity-")) {
                    capacityCharts.add(id);
                    int seriesDrawn = 0;
                    for (JsonNode pixels : chart.path("seriesPixels")) {
                        seriesDrawn += pixels.asInt() >= 20 ? 1 : 0;
                    }
                    assertTrue(seriesDrawn >= Math.min(2, chart.path("labels").size()), id + ": its series are drawn: " + chart);
                }
            }
            assertEquals(List.of("capacity-clients-connections", "capacity-curve-" + CapacityRun.SSE_H1,
                    "capacity-curve-" + CapacityRun.WS_H1, "capacity-curve-" + CapacityRun.VX_WS_H2C,
                    "capacity-curve-" + CapacityRun.VX_SSE_H2C, "capacity-curve-" + CapacityRun.LP_H1,
                    "capacity-curve-" + CapacityRun.SP_H2C), capacityCharts, "the bars, then a curve per cell");

            JsonNode layout = browser.evaluate(page, """
                    (() => {
                      const section = document.getElementById('capacity');
                      const bars = document.getElementById('chart-capacity-clients-connections');
                      const curves = Array.from(section.querySelectorAll('figure.capacity-curve .plot'))
                        .map(p => p.getAttribute('data-markers'));
                      const steps = section.querySelector('details.capacity-steps');
                      const table = steps.querySelector('table');
                      const closed = table.checkVisibility();
                      steps.open = true;
                      return { section: section.checkVisibility(), labels: bars.getAttribute('data-bar-labels'),
                        open: bars.getAttribute('data-open-bars'), curves, closed, opened: table.checkVisibility(),
                        openRows: Array.from(section.querySelectorAll('table.capacity tr.open td.capacity-figure'))
                          .map(td => td.textContent),
                        summary: section.querySelector('ul.capacity-summary').textContent };
                    })()""");
            assertTrue(layout.path("section").asBoolean(), layout.toString());
            assertEquals("6", layout.path("labels").asText(), "a label per cell, the one with no value included: " + layout);
            assertEquals("4", layout.path("open").asText(), "generator, open files, maximum, budget: open-ended: " + layout);
            assertEquals("[\"1\",\"1\",\"1\",\"1\",\"1\",null]", layout.path("curves").toString(),
                    "each capacity point marked, none where no step passed: " + layout);
            assertEquals(4, layout.path("openRows").size(), layout.toString());
            layout.path("openRows").forEach(td -> assertTrue(td.asText().startsWith("\u2265 "), layout.toString()));
            assertTrue(layout.path("summary").asText().contains("\u2265 19,744 (limit: open files)"), layout.toString());
            assertFalse(layout.path("closed").asBoolean(), "the steps are folded: " + layout);
            assertTrue(layout.path("opened").asBoolean(), "and shown when opened: " + layout);

            JsonNode shot = browser.send(page, "Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true));
            Path screenshot = Path.of("target", "capacity-report-screenshot.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, Base64.getDecoder().decode(shot.get("data").asText()));
        }
    }

    /**
     * A cluster run: the "Load agents" section renders without an error or a request; its table, thirteen columns, fits
     * a 1400 px wide window; the flagged clock's cell stands out from the others and carries its reason as a tooltip;
     * and each cell's merged row closes its group.
     */
    @Test
    @Timeout(180)
    void aClusterRunsLoadAgentsFitTheWindowWithTheFlaggedClockMarked() throws Exception {
        Path chromium = chromium();
        Path report = ReportWriter.write(ClusterRun.write(dir.resolve("results")));
        String url = report.toUri().toString();

        try (DevTools browser = DevTools.launch(chromium, dir.resolve("profile"), "--window-size=1400,1000")) {
            String page = browser.newPage();
            openClean(browser, page, url);
            JsonNode layout = browser.evaluate(page, """
                    (() => {
                      const section = document.getElementById('load-agents');
                      const wrap = section.querySelector('.table-wrap');
                      const clocks = Array.from(section.querySelectorAll('tr.agent td.clock'));
                      const flagged = section.querySelector('tr.flagged td.clock');
                      const plain = section.querySelector('tr.agent:not(.flagged) td.clock');
                      const box = section.getBoundingClientRect();
                      return { section: section.checkVisibility(), scroll: wrap.scrollWidth, client: wrap.clientWidth,
                        columns: section.querySelectorAll('thead th').length, clocks: clocks.length,
                        flaggedBackground: getComputedStyle(flagged).backgroundColor,
                        plainBackground: getComputedStyle(plain).backgroundColor,
                        tooltip: flagged.querySelector('.flag').getAttribute('title'),
                        lastRows: Array.from(section.querySelectorAll('tbody.agents')).map(b => b.lastElementChild.className),
                        x: box.left + window.scrollX, y: box.top + window.scrollY, width: box.width, height: box.height };
                    })()""");
            assertTrue(layout.path("section").asBoolean(), layout.toString());
            assertEquals(13, layout.path("columns").asInt(), layout.toString());
            assertTrue(layout.path("scroll").asInt() <= layout.path("client").asInt(),
                    "the agents' table scrolls sideways at 1400 px: " + layout);
            assertEquals(6, layout.path("clocks").asInt(), "two agents in each of three cells: " + layout);
            assertFalse(layout.path("flaggedBackground").asText().equals(layout.path("plainBackground").asText()),
                    "the flagged clock stands out: " + layout);
            assertTrue(layout.path("tooltip").asText().startsWith("load agent load-2's clock offset"), layout.toString());
            assertEquals("[\"merged\",\"merged\",\"merged\"]", layout.path("lastRows").toString(), layout.toString());

            JsonNode shot = browser.send(page, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                    "clip", Map.of("x", layout.path("x").asDouble(), "y", layout.path("y").asDouble(),
                            "width", layout.path("width").asDouble(), "height", layout.path("height").asDouble(), "scale", 1)));
            Path screenshot = Path.of("target", "cluster-report-screenshot.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, Base64.getDecoder().decode(shot.get("data").asText()));
        }
    }
}
