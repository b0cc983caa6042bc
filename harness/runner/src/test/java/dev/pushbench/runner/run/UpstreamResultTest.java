package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import org.junit.jupiter.api.Test;

/**
 * A two-way cell's {@code summary.json}: the load generator's {@code upstream} is copied as it came, with the server's
 * CPU in the window divided by the messages published and by those delivered; a one-way cell has none, and a cell
 * whose messages partly failed keeps its status.
 */
class UpstreamResultTest {
    private static final HistogramSummary ACK = new HistogramSummary(995L, 900.0, 800.0, 1_500.0, 3_000.0, 3_000.0, 9_000.0);
    private static final HistogramSummary ECHO = new HistogramSummary(995L, 1_300.0, 1_200.0, 2_000.0, 4_000.0, 4_000.0,
            12_000.0);
    private static final CellResult.Upstream UP = new CellResult.Upstream(1_000L, 995L, 5L, ACK, ECHO, 412.5, 2.0,
            CellResult.Upstream.POST_SEPARATE, null, null);

    @Test
    void theUpstreamIsCopiedWithTheServersCpuPerPublishedAndPerDeliveredMessage() {
        CellResultBuilder cell = cell(UP);
        // 250 ms of server CPU in the window: 250 µs per published message, 12.5 µs per delivered one (20 per room)
        cell.serverMeasureStart(reading(10_000_000_000L, 4_000_000_000L));
        cell.serverMeasureEnd(reading(30_000_000_000L, 4_250_000_000L));
        CellResult result = cell.build();

        assertEquals(CellStatus.OK, result.status(), "failed messages are flagged by the report, not the status");
        assertEquals(new CellResult.Upstream(1_000L, 995L, 5L, ACK, ECHO, 412.5, 2.0, CellResult.Upstream.POST_SEPARATE,
                250.0, 12.5), result.upstream());
        assertEquals(12.5, result.costs().server().cpuMicrosPerMessage(), "the same CPU per delivered message as costs");
    }

    @Test
    void withoutTheServersReadingsTheCpuFiguresAreAbsent() {
        CellResult.Upstream up = cell(UP).build().upstream();
        assertEquals(UP, up);
        CellResultBuilder restarted = cell(UP);
        restarted.serverMeasureStart(reading(10_000_000_000L, 4_000_000_000L));
        restarted.serverMeasureEnd(reading(30_000_000_000L, 4_250_000_000L));
        restarted.serverRestarted();
        assertNull(restarted.build().upstream().serverCpuMicrosPerPublished(), "two JVMs' CPU is not one window's");
    }

    @Test
    void aOneWayCellHasNoUpstream() {
        assertNull(cell(null).build().upstream());
        assertNull(CellResultBuilder.perMessageMicros(1_000L, 0L));
        assertEquals(0.333, CellResultBuilder.perMessageMicros(1_000L, 3L));
    }

    private static CellResultBuilder cell(CellResult.Upstream upstream) {
        CellResultBuilder cell = new CellResultBuilder(new CellPlan("jetty", Transport.SSE, Protocol.HTTP_1_1, 1, 1));
        cell.load(new LoadResult(new CellResult.Connections(200L, 200L, 0L, 0L, 0L, 200L, 400L, 0.2, 0.2, 200L, 0L, 0.0, 0.0,
                null), new CellResult.Delivery(20_000L, 20_000L, 0L, 0L, 0L, 0L, 0L, 0L), null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, upstream));
        cell.ok();
        return cell;
    }

    private static ProcessSnapshot reading(long nanoTime, long cpuNanos) {
        return new ProcessSnapshot(nanoTime, false, cpuNanos, null, null, null, null, null);
    }
}
