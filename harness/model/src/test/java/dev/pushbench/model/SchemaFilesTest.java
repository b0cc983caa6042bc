package dev.pushbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.RunManifest;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The published schemas in {@code docs/schema/} are what the records say. After changing a record,
 * regenerate them with
 * {@code ./mvnw -B -q -pl harness/model test -Dtest=SchemaFilesTest -Dpushbench.schema.update=true}
 * and commit the result.
 */
class SchemaFilesTest {
    static final Path SCHEMA_DIR = Path.of("../../docs/schema");

    @Test
    void summarySchemaIsWhatCellResultSays() throws IOException {
        check("summary.schema.json", Schemas.summary());
    }

    @Test
    void runSchemaIsWhatRunManifestSays() throws IOException {
        check("run.schema.json", Schemas.run());
    }

    @Test
    void everyComponentOfEveryRecordIsAProperty() throws IOException {
        JsonNode summary = JsonFiles.mapper().readTree(Schemas.summary());
        for (RecordComponent c : CellResult.class.getRecordComponents()) {
            assertTrue(summary.path("properties").has(c.getName()), c.getName());
        }
        JsonNode delivery = summary.path("$defs").path("CellResult.Delivery").path("properties");
        for (RecordComponent c : CellResult.Delivery.class.getRecordComponents()) {
            assertTrue(delivery.has(c.getName()), c.getName());
        }
        assertEquals("integer", delivery.path("lost").path("type").asText());
        assertEquals(false, summary.path("additionalProperties").asBoolean(true));
        JsonNode run = JsonFiles.mapper().readTree(Schemas.run());
        assertEquals("[\"runId\",\"status\"]", run.path("required").toString());
        assertEquals("[\"ok\",\"failed\",\"unsupported\",\"interrupted\"]", summary.path("properties").path("status").path("enum").toString());
        assertTrue(run.path("properties").has(RunManifest.class.getRecordComponents()[0].getName()));
    }

    private static void check(String name, String generated) throws IOException {
        Path file = SCHEMA_DIR.resolve(name);
        if (Boolean.getBoolean("pushbench.schema.update")) {
            Files.createDirectories(SCHEMA_DIR);
            Files.writeString(file, generated + "\n");
        }
        assertTrue(Files.isRegularFile(file), file.toAbsolutePath() + " is missing; regenerate it (see this test's comment)");
        assertEquals(generated + "\n", Files.readString(file),
                file + " differs from the records; regenerate it (see this test's comment) and commit it");
    }
}
