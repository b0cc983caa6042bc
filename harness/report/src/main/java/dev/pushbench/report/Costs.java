package dev.pushbench.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * What one cell cost, per delivered message and per connection, as {@code summary.json}'s {@code costs}
 * object stores it, with a stand-in for CPU while a run has no {@code costs}: process CPU time over the
 * measured window divided by the events delivered, taken from the server's and the load generator's
 * process snapshots. {@code cpuSource} says which one a report shows, so a verdict can name its figure.
 *
 * <pre>
 *   Costs costs = cell.costs();
 *   costs.cpuMicrosPerMessage();   // server + load generator, or null when neither side is known
 * </pre>
 *
 * <p>Any figure may be absent ({@code null}); memory per connection is never derived, because heap in
 * use without a GC before the reading is not a per-connection cost.
 */
record Costs(
        Num serverCpuMicrosPerMessage,
        Num loadgenCpuMicrosPerMessage,
        CpuSource cpuSource,
        Num serverHeapBytesPerConnection,
        Num serverRssBytesPerConnection,
        Num loadgenHeapBytesPerConnection,
        Num loadgenRssBytesPerConnection,
        Num wireBytesDownPerMessage,
        Num wireBytesUpPerMessage,
        Num pollingRequestsPerMessage,
        Num pollingEmptyResponseRatio) {

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

    static final Costs NONE = new Costs(null, null, null, null, null, null, null, null, null, null, null);

    /** Server plus load-generator CPU per message; one side alone when only it is known; else {@code null}. */
    Num cpuMicrosPerMessage() {
        if (serverCpuMicrosPerMessage == null && loadgenCpuMicrosPerMessage == null) {
            return null;
        }
        if (serverCpuMicrosPerMessage == null) {
            return loadgenCpuMicrosPerMessage;
        }
        if (loadgenCpuMicrosPerMessage == null) {
            return serverCpuMicrosPerMessage;
        }
        return derived(serverCpuMicrosPerMessage.value() + loadgenCpuMicrosPerMessage.value());
    }

    boolean isEmpty() {
        return equals(NONE);
    }

    static Costs read(Fields f, CellSummary.Delivery delivery) {
        Num serverCpu = f.number("costs.server.cpuMicrosPerMessage");
        Num loadgenCpu = f.number("costs.loadgen.cpuMicrosPerMessage");
        CpuSource source = serverCpu != null || loadgenCpu != null ? CpuSource.MEASURED : null;
        if (source == null) {
            Num delivered = delivery == null ? null : delivery.delivered();
            if (delivered != null && delivered.value() > 0) {
                Num start = f.number("server.process.measureStart.cpuNanos");
                Num end = f.number("server.process.measureEnd.cpuNanos");
                if (start != null && end != null && end.value() >= start.value()) {
                    serverCpu = derived((end.value() - start.value()) / 1_000.0 / delivered.value());
                }
                Num loadgenSeconds = f.number("loadgen.cpuSecondsInWindow");
                if (loadgenSeconds != null && loadgenSeconds.value() >= 0) {
                    loadgenCpu = derived(loadgenSeconds.value() * 1e6 / delivered.value());
                }
                if (serverCpu != null || loadgenCpu != null) {
                    source = CpuSource.DERIVED;
                }
            }
        }
        return new Costs(serverCpu, loadgenCpu, source,
                f.number("costs.server.heapBytesPerConnection"),
                f.number("costs.server.rssBytesPerConnection"),
                f.number("costs.loadgen.heapBytesPerConnection"),
                f.number("costs.loadgen.rssBytesPerConnection"),
                f.number("costs.wire.bytesDownPerMessage"),
                f.number("costs.wire.bytesUpPerMessage"),
                f.number("costs.polling.requestsPerMessage"),
                f.number("costs.polling.emptyResponseRatio"));
    }

    /** A computed figure, stored with four significant digits so that golden files stay readable. */
    static Num derived(double value) {
        String raw = new BigDecimal(value).round(new MathContext(4))
                .stripTrailingZeros().toPlainString();
        return new Num(raw, Double.parseDouble(raw));
    }

    /** The figures as text for the model description. */
    String describe() {
        return String.format(Locale.ROOT, "cpu/msg server %s, loadgen %s (%s); heap/conn server %s, loadgen %s;"
                        + " rss/conn server %s, loadgen %s; bytes/msg down %s, up %s; requests/msg %s, empty %s",
                raw(serverCpuMicrosPerMessage), raw(loadgenCpuMicrosPerMessage),
                cpuSource == null ? "none" : cpuSource.name().toLowerCase(Locale.ROOT),
                raw(serverHeapBytesPerConnection), raw(loadgenHeapBytesPerConnection),
                raw(serverRssBytesPerConnection), raw(loadgenRssBytesPerConnection),
                raw(wireBytesDownPerMessage), raw(wireBytesUpPerMessage),
                raw(pollingRequestsPerMessage), raw(pollingEmptyResponseRatio));
    }

    private static String raw(Num n) {
        return n == null ? Units.ABSENT : n.raw();
    }
}
