package dev.pushbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.model.result.RunManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Result files written by the previous format still read; new ones are written without nulls; wrong types are survivable. */
class JsonFilesTest {

    private static JsonNode resource(String name) throws IOException {
        try (InputStream in = JsonFilesTest.class.getResourceAsStream(name)) {
            return JsonFiles.mapper().readTree(in);
        }
    }

    @Test
    void aSummaryOfThePreviousFormatReadsWithEveryFigure() throws IOException {
        JsonNode old = resource("/old-format/summary.json");
        List<String> problems = new ArrayList<>();
        CellResult r = JsonFiles.readLeniently(old, CellResult.class, "summary.json", problems::add);
        assertEquals(List.of(), problems);
        assertEquals(CellStatus.OK, r.status());
        assertEquals(old.at("/delivery/delivered").asLong(), r.delivery().delivered());
        assertEquals(old.at("/latencyMicros/p99").asDouble(), r.latencyMicros().p99());
        assertEquals(old.at("/costs/server/heapBytesPerConnection").asLong(), r.costs().server().heapBytesPerConnection());
        assertEquals(old.at("/memoryPoints/2/server/heapUsedBytes").asLong(), r.memoryPoints().get(2).server().heapUsedBytes());
        assertEquals(old.at("/server/counters/eventsWritten").asLong(), r.server().counters().eventsWritten());
        assertNull(r.reason());
    }

    @Test
    void writingItBackKeepsEveryFieldButTheNulls() throws IOException {
        JsonNode old = resource("/old-format/summary.json");
        CellResult r = JsonFiles.readLeniently(old, CellResult.class, "summary.json", p -> { });
        JsonNode again = JsonFiles.mapper().readTree(JsonFiles.pretty(r));
        assertEquals(withoutNulls(old.deepCopy()), again);
        JsonNode oldRun = resource("/old-format/run.json");
        RunManifest m = JsonFiles.readLeniently(oldRun, RunManifest.class, "run.json", p -> { });
        assertEquals(withoutNulls(oldRun.deepCopy()), JsonFiles.mapper().readTree(JsonFiles.pretty(m)));
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> nulls = new ArrayList<>();
            o.fields().forEachRemaining(e -> {
                if (e.getValue().isNull()) {
                    nulls.add(e.getKey());
                } else {
                    withoutNulls(e.getValue());
                }
            });
            o.remove(nulls);
        } else if (node.isArray()) {
            node.forEach(JsonFilesTest::withoutNulls);
        }
        return node;
    }

    @Test
    void aFieldOfTheWrongTypeReadsAsAbsentAndIsNamed() throws IOException {
        ObjectNode doc = (ObjectNode) resource("/old-format/summary.json");
        ((ObjectNode) doc.get("delivery")).put("lost", "many");
        ((ObjectNode) doc.get("connections")).putArray("target");
        List<String> problems = new ArrayList<>();
        CellResult r = JsonFiles.readLeniently(doc, CellResult.class, "summary.json", problems::add);
        assertNull(r.delivery().lost());
        assertNull(r.connections().target());
        assertEquals(doc.at("/delivery/delivered").asLong(), r.delivery().delivered());
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("delivery.lost") && p.contains("a number") && p.contains("\"many\"")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("connections.target") && p.contains("an array")), problems.toString());
    }

    @Test
    void aStatusFromALaterVersionReadsAsAbsent() throws IOException {
        ObjectNode doc = (ObjectNode) resource("/old-format/summary.json");
        doc.put("status", "paused");
        doc.put("aFieldFromTheFuture", 1);
        CellResult r = JsonFiles.readLeniently(doc, CellResult.class, "summary.json", p -> { });
        assertNull(r.status());
    }

    @Test
    void writesAtomicallyWithoutNulls(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("summary.json");
        CellResult r = new CellResult(new CellResult.Cell("jetty", "sse", "h2c"), "jetty-sse-h2c", 1, CellStatus.UNSUPPORTED,
                "no reason at all", null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
        JsonFiles.write(file, r);
        String text = Files.readString(file);
        assertFalse(text.contains("null"), text);
        assertEquals(r, JsonFiles.read(file, CellResult.class));
        assertFalse(Files.exists(dir.resolve("summary.json.tmp")));
    }

    @Test
    void aStrictReadNamesTheFileAndThePlace(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        Files.writeString(file, "{\n  \"runId\": \"x\",\n  \"cores\": \"two\"\n}\n");
        IOException e = assertThrows(IOException.class, () -> JsonFiles.read(file, RunManifest.class));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }
}
