package dev.pushbench.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.RunManifest;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** What the records write validates against the published schemas, and a file that strays from them does not. */
class SchemaValidationTest {

    static OutputUnit validate(String schema, String document) {
        Validator v = Validator.create(JsonSchema.of(new JsonObject(schema)),
                new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://pushbench.dev/").setOutputFormat(OutputFormat.Basic));
        return v.validate(new JsonObject(document));
    }

    private static JsonNode resource(String name) throws IOException {
        try (InputStream in = SchemaValidationTest.class.getResourceAsStream(name)) {
            return JsonFiles.mapper().readTree(in);
        }
    }

    @Test
    void aWrittenSummaryAndRunValidate() throws IOException {
        CellResult r = JsonFiles.readLeniently(resource("/old-format/summary.json"), CellResult.class, "summary.json", p -> { });
        OutputUnit u = validate(Schemas.summary(), JsonFiles.pretty(r));
        assertTrue(u.getValid(), String.valueOf(u.getErrors()));
        RunManifest m = JsonFiles.readLeniently(resource("/old-format/run.json"), RunManifest.class, "run.json", p -> { });
        OutputUnit run = validate(Schemas.run(), JsonFiles.pretty(m));
        assertTrue(run.getValid(), String.valueOf(run.getErrors()));
    }

    @Test
    void aStrayFieldOrAWrongTypeDoesNot() throws IOException {
        JsonObject doc = new JsonObject(JsonFiles.pretty(
                JsonFiles.readLeniently(resource("/old-format/summary.json"), CellResult.class, "summary.json", p -> { })));
        doc.getJsonObject("delivery").put("lots", 1);
        assertFalse(validate(Schemas.summary(), doc.encode()).getValid());
        doc.getJsonObject("delivery").remove("lots");
        doc.getJsonObject("costs").getJsonObject("server").put("heapBytesPerConnection", "4 KB");
        assertFalse(validate(Schemas.summary(), doc.encode()).getValid());
        doc.getJsonObject("costs").getJsonObject("server").put("heapBytesPerConnection", 4096);
        assertTrue(validate(Schemas.summary(), doc.encode()).getValid());
        doc.remove("status");
        assertFalse(validate(Schemas.summary(), doc.encode()).getValid());
    }
}
