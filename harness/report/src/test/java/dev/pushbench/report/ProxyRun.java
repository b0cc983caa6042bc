package dev.pushbench.report;

import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.RunManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run with cells direct and through proxies, written from {@link CellResult} and {@link RunManifest}
 * records with {@link JsonFiles}, as the runner writes them, for the golden, report and browser tests:
 *
 * <ul>
 *   <li>Jetty SSE over http1.1 direct, twice ({@code -r1}, {@code -r2}), and through nginx {@code push}, twice:
 *       two configurations of two repeats each, which must never merge;</li>
 *   <li>Jetty SSE through nginx {@code stock} without the server's {@code X-Accel-Buffering: no}
 *       ({@code -nohints}): its stream buffered, cut at the idle timeout;</li>
 *   <li>Jetty WebSocket over http1.1 direct and through HAProxy {@code stock}, cut by its idle timeout;</li>
 *   <li>Jetty long polling over h2c through HAProxy {@code push}, listed but never run (no summary): the run was
 *       interrupted before it.</li>
 * </ul>
 *
 * <p>Each proxied cell's directory holds its generated configuration; nginx {@code push}'s holds text that
 * would close the {@code <pre>} and run a script if it were not escaped.
 */
final class ProxyRun {
    static final String RUN_ID = "20261129-110000-proxies";

    static final String SSE_DIRECT_1 = "jetty-sse-http1.1-r1";
    static final String SSE_DIRECT_2 = "jetty-sse-http1.1-r2";
    static final String SSE_PUSH_1 = "jetty-sse-http1.1-nginx-push-r1";
    static final String SSE_PUSH_2 = "jetty-sse-http1.1-nginx-push-r2";
    static final String SSE_STOCK_NOHINTS = "jetty-sse-http1.1-nginx-stock-nohints";
    static final String WS_DIRECT = "jetty-websocket-http1.1";
    static final String WS_HAPROXY = "jetty-websocket-http1.1-haproxy-stock";
    static final String LP_NOT_RUN = "jetty-long-polling-h2c-haproxy-push";

    /** What escaping must neutralise inside a configuration block. */
    static final String HOSTILE_CONFIG_LINE = "# </pre><script>alert(1)</script>";

    private ProxyRun() {
    }

    /** Writes the run into {@code resultsDir/RUN_ID} and returns its directory. */
    static Path write(Path resultsDir) throws IOException {
        Path runDir = resultsDir.resolve(RUN_ID);
        List<CellResult> cells = new ArrayList<>();
        cells.add(sse(SSE_DIRECT_1, 1, null, null, 1_000.0, 3_000.0, noCuts(), null, null));
        cells.add(sse(SSE_DIRECT_2, 2, null, null, 1_100.0, 3_200.0, noCuts(), null, null));
        cells.add(sse(SSE_PUSH_1, 1, "nginx-push", true, 1_400.0, 4_500.0, noCuts(),
                path("nginx", "push", "nginx.conf", "http1.1", 3_600_000L), proxyCosts(12.5, 310_000L)));
        cells.add(sse(SSE_PUSH_2, 2, "nginx-push", true, 1_500.0, 4_700.0, noCuts(),
                path("nginx", "push", "nginx.conf", "http1.1", 3_600_000L), proxyCosts(13.0, 305_000L)));
        cells.add(sse(SSE_STOCK_NOHINTS, null, "nginx-stock", false, 250_000.0, 60_400_000.0,
                new CellResult.Resilience(50L, 50L, new HistogramSummary(50L, 3_100_000.0, 3_000_000.0, 3_200_000.0,
                        3_900_000.0, 4_000_000.0, 4_000_000.0), 0L, 12L,
                        new CellResult.CutsByCause(50L, 0L, 0L, 0L)),
                path("nginx", "stock", "nginx.conf", "http1.0", 60_000L), proxyCosts(9.0, 120_000L)));
        cells.add(cell(WS_DIRECT, null, new CellResult.Cell("jetty", "websocket", "http1.1", "none", null), 900.0, 2_800.0,
                noCuts(), null, null));
        cells.add(cell(WS_HAPROXY, null, new CellResult.Cell("jetty", "websocket", "http1.1", "haproxy-stock", null),
                1_200.0, 5_100.0,
                new CellResult.Resilience(20L, 18L, new HistogramSummary(18L, 1_200_000.0, 1_100_000.0, 1_300_000.0,
                        1_500_000.0, 1_500_000.0, 1_500_000.0), 40L, 0L,
                        new CellResult.CutsByCause(15L, 0L, 3L, 2L)),
                path("haproxy", "stock", "haproxy.cfg", "http1.1", 50_000L), proxyCosts(6.0, 40_000L)));

        List<String> names = new ArrayList<>(cells.stream().map(CellResult::name).toList());
        names.add(LP_NOT_RUN);
        Files.createDirectories(runDir);
        JsonFiles.write(runDir.resolve("run.json"), manifest(names));
        for (CellResult cell : cells) {
            Path dir = runDir.resolve("cells").resolve(cell.name());
            Files.createDirectories(dir);
            JsonFiles.write(dir.resolve("summary.json"), cell);
            if (cell.path() != null) {
                Files.writeString(dir.resolve(cell.path().configFile()), config(cell.path()), StandardCharsets.UTF_8);
            }
        }
        return runDir;
    }

    private static String config(CellResult.PathInfo p) {
        return switch (p.proxy() + "-" + p.profile()) {
            case "nginx-push" -> """
                    # generated by pushbench: nginx, profile push
                    %s
                    events { worker_connections 4096; }
                    http {
                      server {
                        listen 127.0.0.1:0;
                        location / {
                          proxy_pass http://127.0.0.1:8080;
                          proxy_http_version 1.1;
                          proxy_buffering off;
                          proxy_read_timeout 3600s;
                        }
                      }
                    }
                    """.formatted(HOSTILE_CONFIG_LINE);
            case "nginx-stock" -> """
                    # generated by pushbench: nginx, profile stock (the distribution's defaults)
                    events { }
                    http {
                      server {
                        listen 127.0.0.1:0;
                        location / { proxy_pass http://127.0.0.1:8080; }
                      }
                    }
                    """;
            default -> """
                    # generated by pushbench: haproxy, profile stock
                    defaults
                      mode http
                      timeout client 50s
                      timeout server 50s
                    frontend push
                      bind 127.0.0.1:0
                      default_backend server
                    backend server
                      server s1 127.0.0.1:8080
                    """;
        };
    }

    private static CellResult.Resilience noCuts() {
        return new CellResult.Resilience(0L, 0L, null, 0L, 0L, new CellResult.CutsByCause(0L, 0L, 0L, 0L));
    }

    private static CellResult.PathInfo path(String proxy, String profile, String file, String upstream, long idleMillis) {
        return new CellResult.PathInfo(proxy, profile, proxy.equals("nginx") ? "nginx/1.26.3" : "HAProxy version 3.0.11",
                file, "http1.1", upstream, idleMillis);
    }

    private static CellResult.ProxyCosts proxyCosts(double cpuMicrosPerMessage, long rssIdle) {
        return new CellResult.ProxyCosts(cpuMicrosPerMessage, 4.2, 2_048L, rssIdle, rssIdle + 100 * 2_048L, 2);
    }

    private static CellResult sse(String name, Integer repeat, String path, Boolean hints, double p50, double p99,
                                  CellResult.Resilience resilience, CellResult.PathInfo pathInfo,
                                  CellResult.ProxyCosts proxy) {
        return cell(name, repeat, new CellResult.Cell("jetty", "sse", "http1.1", path, hints == null ? Boolean.TRUE : hints),
                p50, p99, resilience, pathInfo, proxy);
    }

    private static CellResult cell(String name, Integer repeat, CellResult.Cell cell, double p50, double p99,
                                   CellResult.Resilience resilience, CellResult.PathInfo pathInfo,
                                   CellResult.ProxyCosts proxy) {
        long lost = resilience.lostAcrossReconnect() == null ? 0 : resilience.lostAcrossReconnect();
        CellResult.Costs costs = new CellResult.Costs(
                new CellResult.ProcessCosts(150.0, 5_000L, 5_000L, 4_800L, null, 170_000L, 30, null),
                CellResult.ProcessCosts.ofCpu(200.0), new CellResult.Wire(300.0, 0.0, 600_000L, 0L, null), null, proxy);
        return new CellResult(cell, name, repeat, CellStatus.OK, null, "2026-11-29T11:00:01Z", null, null,
                new CellResult.Connections(100L, 100L, 0L, resilience.disconnects(), resilience.reconnects(), 100L, 100L, 0.5),
                new CellResult.Delivery(2_000L, 2_000L - lost, lost, 0L, resilience.duplicatedAcrossReconnect(), 0L,
                        lost > 0 ? 4L : 0L, 0L),
                new HistogramSummary(2_000L - lost, p50 * 1.1, p50, p50 * 1.5, p99, p99 * 1.2, p99 * 1.5),
                null, null, null, null, null, null, null,
                new CellResult.Window(null, null, 1.0, 10.0, 0.2, 2.0),
                new CellResult.Loadgen(1.0, 20.0, 2, false, 0L, 0L, null, "nio", "pushbench nio", null, 15.0, 35.0, null,
                        null, null, null, null),
                "2026-11-29T11:00:20Z", 19.0, costs, null, new CellResult.Server("Jetty 12.1.14", 200L, null, null, 0L, null),
                pathInfo, resilience);
    }

    private static RunManifest manifest(List<String> cells) {
        return FixtureManifests.of(RUN_ID, RunManifest.INTERRUPTED, "2026-11-29T11:00:00Z", "2026-11-29T11:05:00Z", "proxies", "proxies.yaml",
                FixtureManifests.resolved(100, 5, 20.0, 256, 1000, 10000, 2), FixtureManifests.JETTY, cells);
    }
}
