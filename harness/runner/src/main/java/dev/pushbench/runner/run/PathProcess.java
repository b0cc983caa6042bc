package dev.pushbench.runner.run;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.runner.proxy.ProxyProcess;

/**
 * A process on the way between the load generator and the server (the proxy, the relay), read from
 * {@code /proc} before the ramp and at the window's edges: its costs are its own, neither the server's nor the
 * generator's.
 */
final class PathProcess {
    private ProxyProcess.Reading idle;
    private ProxyProcess.Reading measureStart;
    private ProxyProcess.Reading measureEnd;

    /** Read before the ramp. */
    void idle(ProxyProcess.Reading reading) {
        idle = reading;
    }

    /** Read at the window's start (every subscriber live). */
    void measureStart(ProxyProcess.Reading reading) {
        measureStart = reading;
    }

    void measureEnd(ProxyProcess.Reading reading) {
        measureEnd = reading;
    }

    /** Its CPU over the measured window, 100 per core; null without its two readings. */
    Double cpuPercent() {
        if (measureStart == null || measureEnd == null) {
            return null;
        }
        double wall = measureEnd.atNanos() - measureStart.atNanos();
        return wall <= 0 ? null : 100.0 * (measureEnd.cpuNanos() - measureStart.cpuNanos()) / wall;
    }

    /** Its side of the ledger, as the server's is read: CPU over the window per delivered message, RSS per connection. */
    CellResult.ProxyCosts costs(Long delivered, Long connected) {
        if (idle == null && measureStart == null) {
            return null;
        }
        Double cpuPerMessage = null;
        Double percent = cpuPercent();
        if (delivered != null && delivered > 0 && percent != null) {
            cpuPerMessage = round3((measureEnd.cpuNanos() - measureStart.cpuNanos()) / 1000.0 / delivered);
        }
        Long perConnection = null;
        if (idle != null && measureStart != null && connected != null && connected > 0) {
            perConnection = Math.max(0, measureStart.rssBytes() - idle.rssBytes()) / connected;
        }
        ProxyProcess.Reading any = measureStart != null ? measureStart : idle;
        return new CellResult.ProxyCosts(cpuPerMessage, percent == null ? null : round3(percent), perConnection,
                idle == null ? null : idle.rssBytes(), measureStart == null ? null : measureStart.rssBytes(),
                any.processes());
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
