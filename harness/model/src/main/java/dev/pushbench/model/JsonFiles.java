package dev.pushbench.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * The one JSON codec of the result files and the control messages: how records become
 * {@code run.json}, {@code summary.json}, {@code server.json}, {@code load.json} and control lines,
 * and how they are read back.
 *
 * <pre>
 *   JsonFiles.write(cellDir.resolve("summary.json"), cellResult);          // pretty, atomic
 *   CellResult r = JsonFiles.read(file, CellResult.class);                 // strict types
 *   CellResult r = JsonFiles.readLeniently(node, CellResult.class, "summary.json", problems::add);
 * </pre>
 *
 * <p>Absent figures are left out ({@code null} is never written). Readers ignore fields they do not
 * know, so files written by a newer version still read; a lenient read also survives a field of the
 * wrong type, reading it as absent and saying so.
 */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL);
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {
    }

    /** The shared mapper, for trees and for tests; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One compact line. */
    public static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Pretty JSON text, as written to files. */
    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes pretty JSON atomically (temporary file, then a move), so a crash never leaves half a file. */
    public static void write(Path file, Object value) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, pretty(value) + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a file as {@code type}, failing on malformed JSON or a field of the wrong type.
     *
     * @throws IOException naming the file and what is wrong where
     */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": " + e.getOriginalMessage() + location(e), e);
        }
    }

    /** Parses text as {@code type}. */
    public static <T> T parse(String text, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(text, type);
    }

    /**
     * Binds a parsed document to {@code type} without failing on a field of the wrong type: that field
     * reads as absent and {@code problems} gets one line naming the source, the field and what it held.
     */
    public static <T> T readLeniently(JsonNode document, Class<T> type, String source, Consumer<String> problems)
            throws JsonProcessingException {
        ObjectReader reader = MAPPER.readerFor(type).withHandler(new Lenient(source, problems));
        try {
            return reader.readValue(MAPPER.treeAsTokens(document));
        } catch (IOException e) {
            if (e instanceof JsonProcessingException) {
                throw (JsonProcessingException) e;
            }
            throw new UncheckedIOException(e);
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /** Turns a value of the wrong type into an absent one, and says so. */
    private static final class Lenient extends DeserializationProblemHandler {
        private final String source;
        private final Consumer<String> problems;

        Lenient(String source, Consumer<String> problems) {
            this.source = source;
            this.problems = problems;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                                            String failureMsg) throws IOException {
            String found = t == JsonToken.START_OBJECT ? "an object" : t == JsonToken.START_ARRAY ? "an array" : shown(p.getText());
            problems.accept(source + ": " + path(p) + " should be " + expected(targetType) + ", found " + found + "; shown as absent");
            p.skipChildren();
            return null;
        }

        /** An object (a record) written as a scalar: {@code "delivery": 5}. */
        @Override
        public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                                                ValueInstantiator valueInsts, JsonParser p, String msg) throws IOException {
            JsonToken t = p.currentToken();
            String found = t == JsonToken.VALUE_STRING ? shown(p.getText()) : p.getText();
            problems.accept(source + ": " + path(p) + " should be " + expected(ctxt.constructType(instClass))
                    + ", found " + found + "; shown as absent");
            p.skipChildren();
            return null;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert,
                                             String failureMsg) throws IOException {
            problems.accept(source + ": " + path(ctxt.getParser()) + " should be " + expected(ctxt.constructType(targetType))
                    + ", found " + shown(valueToConvert) + "; shown as absent");
            return null;
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number valueToConvert,
                                             String failureMsg) throws IOException {
            problems.accept(source + ": " + path(ctxt.getParser()) + " should be " + expected(ctxt.constructType(targetType))
                    + ", found " + valueToConvert + "; shown as absent");
            return null;
        }

        private static String path(JsonParser p) {
            String pointer = p.getParsingContext().pathAsPointer().toString();
            return pointer.isEmpty() ? "(document)" : pointer.substring(1).replace('/', '.');
        }

        private static String expected(JavaType type) {
            Class<?> raw = type.getRawClass();
            if (Number.class.isAssignableFrom(raw) || (raw.isPrimitive() && raw != boolean.class)) {
                return "a number";
            }
            if (raw == Boolean.class || raw == boolean.class) {
                return "true or false";
            }
            if (raw == String.class || raw.isEnum()) {
                return "text";
            }
            if (type.isCollectionLikeType()) {
                return "an array";
            }
            return "an object";
        }

        private static String shown(String text) {
            return text.length() > 40 ? "\"" + text.substring(0, 40) + "…\"" : "\"" + text + "\"";
        }
    }
}
