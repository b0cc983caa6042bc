package dev.pushbench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicroRunManifestTest {

    @Test
    void runJsonDescribesTheRunAndHasNoCells(@TempDir Path dir) throws IOException {
        Path runDir = Files.createDirectory(dir.resolve("20251125-153000-micro"));

        Path file = MicroRunManifest.write(runDir, "complete", "2025-11-25T15:30:00Z", "2025-11-25T15:35:10.5Z", "-f 1 -wi 2 \"quoted\"", "0.52");

        JsonNode run = new ObjectMapper().readTree(file.toFile());
        assertEquals("20251125-153000-micro", run.path("runId").asText());
        assertEquals("complete", run.path("status").asText());
        assertEquals("2025-11-25T15:30:00Z", run.path("startedAt").asText());
        assertEquals("2025-11-25T15:35:10.500Z", run.path("finishedAt").asText());
        assertEquals("micro", run.path("scenario").path("name").asText());
        assertEquals("JMH micro-benchmarks (short settings)", run.path("scenario").path("description").asText());
        assertEquals(System.getProperty("java.version"), run.path("jdk").path("version").asText());
        assertEquals(System.getProperty("os.name"), run.path("os").path("name").asText());
        assertEquals(Runtime.getRuntime().availableProcessors(), run.path("cores").asInt());
        assertEquals("-f 1 -wi 2 \"quoted\"", run.path("jmh").path("options").asText());
        assertEquals("jmh.json", run.path("jmh").path("file").asText());
        assertTrue(run.path("cells").isArray() && run.path("cells").isEmpty());
        assertEquals(0.52, run.path("loadAverage").path("start").asDouble());
    }

    @Test
    void aTimeThatIsNotAnInstantIsRefusedByName(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MicroRunManifest.write(dir, "complete", "yesterday", "2025-11-25T15:35:10Z", "", null));
        assertTrue(e.getMessage().contains("startedAt") && e.getMessage().contains("yesterday"), e.getMessage());
    }

    @Test
    void anUnknownStatusIsRefusedWithTheAllowedOnes(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MicroRunManifest.write(dir, "ok", "2025-11-25T15:30:00Z", "2025-11-25T15:35:10Z", "", null));
        assertTrue(e.getMessage().contains("complete") && e.getMessage().contains("'ok'"), e.getMessage());
    }

    @Test
    void optionsWithQuotesAndControlCharactersSurviveTheTrip(@TempDir Path dir) throws IOException {
        String options = "-p text=\"a\\b\"\n\t\u0001";
        Path file = MicroRunManifest.write(dir, "failed", "2025-11-25T15:30:00Z", "2025-11-25T15:35:10Z", options, "unknown");
        JsonNode run = new ObjectMapper().readTree(file.toFile());
        assertEquals(options, run.path("jmh").path("options").asText());
        assertTrue(run.path("loadAverage").path("start").isMissingNode(), "an unknown load average is left out");
    }
}
