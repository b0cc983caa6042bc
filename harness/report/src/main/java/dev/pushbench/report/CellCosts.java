package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import java.util.Locale;

/**
 * What one cell cost, per delivered message and per connection, as {@code summary.json}'s {@code costs}
 * object stores it, with a stand-in for CPU while a run has no {@code costs}: process CPU time over the
 * measured window divided by the events delivered, taken from the server's and the load generator's
 * process snapshots. {@code cpuSource} says which one a report shows, so a verdict can name its figure.
 *
 * <pre>
 *   CellCosts costs = CellCosts.of(cellResult);
 *   costs.cpuMicrosPerMessage();   // server + load generator, or null when neither side is known
 * </pre>
 *
 * <p>{@code proxy} is {@code costs.proxy} as stored, for proxied cells, and {@code relay} is {@code costs.relay},
 * the link relay's processes, for cells over an emulated link; neither is part of
 * {@link #cpuMicrosPerMessage()}, which stays server + load generator so direct, proxied and shaped cells are
 * held to the same figure. Any figure may be absent ({@code null}); memory per connection is never derived, because heap in
 * use without a GC before the reading is not a per-connection cost.
 */
record CellCosts(
        Double serverCpuMicrosPerMessage,
        Double loadgenCpuMicrosPerMessage,
        CpuSource cpuSource,
        Double serverHeapBytesPerConnection,
        Double serverHeapBytesPerConnectionUp,
        Double serverHeapBytesPerConnectionDown,
        Double serverRssBytesPerConnection,
        Double loadgenHeapBytesPerConnection,
        Double loadgenRssBytesPerConnection,
        Double wireBytesDownPerMessage,
        Double wireBytesUpPerMessage,
        Double pollingRequestsPerMessage,
        Double pollingEmptyResponseRatio,
        CellResult.ProxyCosts proxy,
        CellResult.ProxyCosts relay) {

    /** Where the CPU figures come from. */
    enum CpuSource {
        /** {@code costs.server.cpuMicrosPerMessage} and {@code costs.loadgen.cpuMicrosPerMessage}. */
        MEASURED("CPU per delivered message (costs.server + costs.loadgen .cpuMicrosPerMessage)"),
        /** Process CPU time in the measured window ÷ events delivered; {@code costs} was absent. */
        DERIVED("CPU per delivered message, derived: process CPU time in the measured window (server snapshots"
                + " at measure start and end, load generator cpuSecondsInWindow) ÷ events delivered; costs.* absent");

        private final String description;

        CpuSource(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    static final CellCosts NONE = new CellCosts(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null);

    /** Server plus load-generator CPU per message; one side alone when only it is known; else {@code null}. */
    Double cpuMicrosPerMessage() {
        if (serverCpuMicrosPerMessage == null && loadgenCpuMicrosPerMessage == null) {
            return null;
        }
        if (serverCpuMicrosPerMessage == null) {
            return loadgenCpuMicrosPerMessage;
        }
        if (loadgenCpuMicrosPerMessage == null) {
            return serverCpuMicrosPerMessage;
        }
        return Format.fourDigits(serverCpuMicrosPerMessage + loadgenCpuMicrosPerMessage);
    }

    boolean isEmpty() {
        return equals(NONE);
    }

    /** The ledger of {@code r}, or the CPU derived from its process readings when it has none. */
    static CellCosts of(CellResult r) {
        CellResult.Costs c = r.costs() == null ? new CellResult.Costs(null, null, null, null) : r.costs();
        CellResult.ProcessCosts server = c.server() == null ? CellResult.ProcessCosts.ofCpu(null) : c.server();
        CellResult.ProcessCosts loadgen = c.loadgen() == null ? CellResult.ProcessCosts.ofCpu(null) : c.loadgen();
        Double serverCpu = server.cpuMicrosPerMessage();
        Double loadgenCpu = loadgen.cpuMicrosPerMessage();
        CpuSource source = serverCpu != null || loadgenCpu != null ? CpuSource.MEASURED : null;
        if (source == null) {
            Long delivered = r.delivery() == null ? null : r.delivery().delivered();
            if (delivered != null && delivered > 0) {
                CellResult.ServerReadings readings = r.server() == null ? null : r.server().process();
                Long start = readings == null || readings.measureStart() == null ? null : readings.measureStart().cpuNanos();
                Long end = readings == null || readings.measureEnd() == null ? null : readings.measureEnd().cpuNanos();
                if (start != null && end != null && end >= start) {
                    serverCpu = Format.fourDigits((end - start) / 1_000.0 / delivered);
                }
                Double loadgenSeconds = r.loadgen() == null ? null : r.loadgen().cpuSecondsInWindow();
                if (loadgenSeconds != null && loadgenSeconds >= 0) {
                    loadgenCpu = Format.fourDigits(loadgenSeconds * 1e6 / delivered);
                }
                if (serverCpu != null || loadgenCpu != null) {
                    source = CpuSource.DERIVED;
                }
            }
        }
        CellResult.Wire wire = c.wire();
        CellResult.PollingCosts polling = c.polling();
        return new CellCosts(serverCpu, loadgenCpu, source,
                real(server.heapBytesPerConnection()),
                real(server.heapBytesPerConnectionUp()),
                real(server.heapBytesPerConnectionDown()),
                real(server.rssBytesPerConnection()),
                real(loadgen.heapBytesPerConnection()),
                real(loadgen.rssBytesPerConnection()),
                wire == null ? null : wire.bytesDownPerMessage(),
                wire == null ? null : wire.bytesUpPerMessage(),
                polling == null ? null : polling.requestsPerMessage(),
                polling == null ? null : polling.emptyResponseRatio(),
                c.proxy(), c.relay());
    }

    /** The proxy's CPU per delivered message ({@code costs.proxy.cpuMicrosPerMessage}), or null. */
    Double proxyCpuMicrosPerMessage() {
        return proxy == null ? null : proxy.cpuMicrosPerMessage();
    }

    /** The link relay's CPU per delivered message ({@code costs.relay.cpuMicrosPerMessage}), or null. */
    Double relayCpuMicrosPerMessage() {
        return relay == null ? null : relay.cpuMicrosPerMessage();
    }

    /** The link relay's resident memory per connection, or null. */
    Double relayRssBytesPerConnection() {
        return relay == null || relay.rssBytesPerConnection() == null ? null : relay.rssBytesPerConnection().doubleValue();
    }

    /** The proxy's resident memory per connection, or null. */
    Double proxyRssBytesPerConnection() {
        return proxy == null || proxy.rssBytesPerConnection() == null ? null : proxy.rssBytesPerConnection().doubleValue();
    }

    private static Double real(Long value) {
        return value == null ? null : value.doubleValue();
    }

    /** The figures as text for the model description. */
    String describe() {
        return String.format(Locale.ROOT, "cpu/msg server %s, loadgen %s (%s); heap/conn server %s, loadgen %s;"
                        + " rss/conn server %s, loadgen %s; bytes/msg down %s, up %s; requests/msg %s, empty %s",
                Format.plain(serverCpuMicrosPerMessage), Format.plain(loadgenCpuMicrosPerMessage),
                cpuSource == null ? "none" : cpuSource.name().toLowerCase(Locale.ROOT),
                Format.plain(serverHeapBytesPerConnection), Format.plain(loadgenHeapBytesPerConnection),
                Format.plain(serverRssBytesPerConnection), Format.plain(loadgenRssBytesPerConnection),
                Format.plain(wireBytesDownPerMessage), Format.plain(wireBytesUpPerMessage),
                Format.plain(pollingRequestsPerMessage), Format.plain(pollingEmptyResponseRatio))
                + (proxy == null ? "" : "; proxy " + describe(proxy))
                + (relay == null ? "" : "; relay " + describe(relay));
    }

    /** {@code costs.proxy} (or {@code costs.relay}) as text: "cpu/msg 12.5, cpu 3.2 %, rss/conn 2.0 KiB [2048], idle …, at load …, processes 2". */
    static String describe(CellResult.ProxyCosts p) {
        return "cpu/msg " + Format.plain(p.cpuMicrosPerMessage()) + ", cpu " + Format.percent(p.cpuPercent())
                + ", rss/conn " + Format.bytes(p.rssBytesPerConnection()) + " [" + Format.plain(p.rssBytesPerConnection())
                + "], rss idle " + Format.bytes(p.rssBytesIdle()) + ", rss at load " + Format.bytes(p.rssBytesAtLoad())
                + ", processes " + Format.plain(p.processes());
    }
}
