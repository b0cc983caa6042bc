package dev.pushbench.model.result;

/**
 * What the load generator measured in one cell, as it reports it when its run ends. The runner
 * copies these figures into the cell's {@code summary.json} ({@link CellResult}) beside the
 * server's, and completes the cost ledger from both.
 *
 * @param costs   the load generator's side of the ledger: {@code loadgen.cpuMicrosPerMessage}, {@code wire}, {@code polling}
 * @param idle    the load generator's reading of itself after its warm-up, before the ramp (after GC)
 * @param process its reading of itself at the end
 * @param resilience the connections that ended unasked and how the subscribers came back
 * @param upstream   two-way cells: what the subscribers published and how it came back; absent for one-way cells
 */
public record LoadResult(
        CellResult.Connections connections,
        CellResult.Delivery delivery,
        HistogramSummary latencyMicros,
        HistogramSummary latencyActualMicros,
        HistogramSummary connectMicros,
        HistogramSummary tcpConnectMicros,
        HistogramSummary connectCallMicros,
        HistogramSummary tlsHandshakeMicros,
        HistogramSummary pollMicros,
        CellResult.Polling polling,
        CellResult.Window window,
        CellResult.Loadgen loadgen,
        CellResult.Costs costs,
        ProcessSnapshot idle,
        ProcessSnapshot process,
        CellResult.Resilience resilience,
        CellResult.Upstream upstream) {

    /** One-way: no {@code upstream}. */
    public LoadResult(CellResult.Connections connections, CellResult.Delivery delivery, HistogramSummary latencyMicros,
                      HistogramSummary latencyActualMicros, HistogramSummary connectMicros,
                      HistogramSummary tcpConnectMicros, HistogramSummary connectCallMicros,
                      HistogramSummary tlsHandshakeMicros, HistogramSummary pollMicros, CellResult.Polling polling,
                      CellResult.Window window, CellResult.Loadgen loadgen, CellResult.Costs costs, ProcessSnapshot idle,
                      ProcessSnapshot process, CellResult.Resilience resilience) {
        this(connections, delivery, latencyMicros, latencyActualMicros, connectMicros, tcpConnectMicros,
                connectCallMicros, tlsHandshakeMicros, pollMicros, polling, window, loadgen, costs, idle, process,
                resilience, null);
    }

    public LoadResult withResilience(CellResult.Resilience r) {
        return new LoadResult(connections, delivery, latencyMicros, latencyActualMicros, connectMicros, tcpConnectMicros,
                connectCallMicros, tlsHandshakeMicros, pollMicros, polling, window, loadgen, costs, idle, process, r, upstream);
    }
}
