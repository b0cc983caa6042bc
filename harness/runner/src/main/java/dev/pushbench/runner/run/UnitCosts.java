package dev.pushbench.runner.run;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.runner.scenario.SearchSpec;

/**
 * The server's cost at a capacity point, per unit of load: CPU cores and GiB of heap per 10,000 subscribers (a
 * search over {@code clients.connections}) or per 100,000 delivered events per second (over the feed's rate or
 * payload), and the server's share of the CPU the two processes used, since on one machine they share the cores.
 *
 * <pre>
 *   CellResult.UnitCost c = UnitCosts.of(SearchSpec.Variable.CONNECTIONS, 19744, capacityPoint);
 *   c.serverCores();    // cores per 10,000 subscribers
 * </pre>
 */
final class UnitCosts {
    static final double SUBSCRIBERS_PER_UNIT = 10_000;
    static final double EVENTS_PER_SECOND_PER_UNIT = 100_000;
    private static final double GIB = 1L << 30;

    private UnitCosts() {
    }

    /** The cost per unit at {@code value} from the step's result, or null when its figures are missing. */
    static CellResult.UnitCost of(SearchSpec.Variable variable, double value, CellResult point) {
        CellResult.Loadgen g = point.loadgen();
        Long connections = point.connections() == null ? null : point.connections().target();
        Double delivered = deliveredPerSecond(point);
        boolean bySubscribers = variable == SearchSpec.Variable.CONNECTIONS;
        Double units = bySubscribers ? Double.valueOf(value / SUBSCRIBERS_PER_UNIT)
                : delivered == null ? null : delivered / EVENTS_PER_SECOND_PER_UNIT;
        if (units == null || units <= 0 || g == null) {
            return null;
        }
        Double serverCpu = g.serverCpuPercent();
        Double cores = serverCpu == null ? null : round(serverCpu / 100 / units);
        Long heapAtLoad = heapAtLoad(point);
        Double heap = heapAtLoad == null ? null : round(heapAtLoad / GIB / units);
        Long perConnection = point.costs() == null || point.costs().server() == null ? null
                : point.costs().server().heapBytesPerConnection();
        Double subscribersPerUnit = connections == null ? null : connections / units;
        Double marginal = perConnection == null || subscribersPerUnit == null ? null
                : round(perConnection * subscribersPerUnit / GIB);
        Double share = serverCpu == null || g.cpuPercent() == null || serverCpu + g.cpuPercent() <= 0 ? null
                : round(serverCpu / (serverCpu + g.cpuPercent()));
        return new CellResult.UnitCost(bySubscribers ? "10,000 subscribers" : "100,000 events/s", round(units), cores, heap,
                marginal, share);
    }

    /** Events delivered per second of the measured window. */
    static Double deliveredPerSecond(CellResult r) {
        Double seconds = r.window() == null ? null : r.window().measureSeconds();
        Long delivered = r.delivery() == null ? null : r.delivery().delivered();
        return seconds == null || seconds <= 0 || delivered == null ? null : delivered / seconds;
    }

    /** The server's heap after GC at the memory point with the most subscribers live. */
    private static Long heapAtLoad(CellResult r) {
        CellResult.MemoryPoint best = null;
        if (r.memoryPoints() != null) {
            for (CellResult.MemoryPoint p : r.memoryPoints()) {
                if (p.connections() != null && p.server() != null && p.server().heapUsedBytes() != null
                        && (best == null || p.connections() > best.connections())) {
                    best = p;
                }
            }
        }
        return best == null ? null : best.server().heapUsedBytes();
    }

    private static double round(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
    }
}
