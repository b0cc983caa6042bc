package dev.pushbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lenient read keeps every figure it can and names each one it cannot; absent stays absent. */
class LenientReadTest {
    @Test
    void aFieldOfTheWrongShapeReadsAsAbsentAndSaysSo() throws Exception {
        String summary = """
                {"cell":"jetty-sse-http1.1","status":"ok","delivery":5,"connections":{"target":"fifty","connected":50},
                 "latencyMicros":[700],"loadgen":{"saturated":"yes","cpuPercent":99.5}}
                """;
        List<String> problems = new ArrayList<>();

        CellResult r = JsonFiles.readLeniently(JsonFiles.mapper().readTree(summary), CellResult.class, "summary.json",
                problems::add);

        assertEquals(List.of(
                "summary.json: cell should be an object, found \"jetty-sse-http1.1\"; shown as absent",
                "summary.json: delivery should be an object, found 5; shown as absent",
                "summary.json: connections.target should be a number, found \"fifty\"; shown as absent",
                "summary.json: latencyMicros should be an object, found an array; shown as absent",
                "summary.json: loadgen.saturated should be true or false, found \"yes\"; shown as absent"), problems);
        assertEquals(CellStatus.OK, r.status());
        assertNull(r.cell());
        assertNull(r.delivery());
        assertNull(r.connections().target());
        assertEquals(50L, r.connections().connected());
        assertEquals(99.5, r.loadgen().cpuPercent());
    }

    @Test
    void aHistogramFigureThatIsAbsentOrNullIsNotZero() throws Exception {
        List<String> problems = new ArrayList<>();

        CellResult r = JsonFiles.readLeniently(JsonFiles.mapper().readTree(
                "{\"latencyMicros\":{\"p50\":610,\"p99\":null}}"), CellResult.class, "summary.json", problems::add);

        assertEquals(610.0, r.latencyMicros().p50());
        assertNull(r.latencyMicros().p99());
        assertNull(r.latencyMicros().count());
        assertEquals(List.of(), problems);
    }
}
