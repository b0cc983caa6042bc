package dev.pushbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads fields of one JSON document by dotted path ({@code delivery.lost}) without ever failing the
 * report: an absent or {@code null} field reads as {@code null}; a field of the wrong type also reads as
 * {@code null} and adds a problem naming the file, the field, what was expected and what was found, so
 * that the report says why a figure is missing instead of silently showing a default.
 */
final class Fields {
    private static final int SHOWN_TEXT_CHARS = 40;

    private final JsonNode root;
    private final String source;
    private final Set<String> problems;

    /**
     * @param source   the file name used in problems, e.g. {@code summary.json}
     * @param problems where problems are added (insertion-ordered, without duplicates)
     */
    Fields(JsonNode root, String source, Set<String> problems) {
        this.root = root;
        this.source = source;
        this.problems = problems;
    }

    /** The node at {@code path}, or {@code null} when it is absent, JSON {@code null} or not reachable. */
    JsonNode node(String path) {
        JsonNode current = root;
        StringBuilder walked = new StringBuilder();
        for (String part : path.split("\\.")) {
            if (isAbsent(current)) {
                return null;
            }
            if (!current.isObject()) {
                problem(walked.length() == 0 ? "(document)" : walked.toString(), "an object", current);
                return null;
            }
            if (walked.length() > 0) {
                walked.append('.');
            }
            walked.append(part);
            current = current.get(part);
        }
        return isAbsent(current) ? null : current;
    }

    /** The object at {@code path}; {@code null} when absent, or (with a problem) when not an object. */
    JsonNode object(String path) {
        JsonNode node = node(path);
        if (node != null && !node.isObject()) {
            problem(path, "an object", node);
            return null;
        }
        return node;
    }

    Num number(String path) {
        JsonNode node = node(path);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            problem(path, "a number", node);
            return null;
        }
        return new Num(node.decimalValue().stripTrailingZeros().toPlainString(), node.doubleValue());
    }

    /** Text, accepting any scalar (a version written as a number is still readable). */
    String text(String path) {
        JsonNode node = node(path);
        if (node == null) {
            return null;
        }
        if (!node.isValueNode()) {
            problem(path, "text", node);
            return null;
        }
        return node.asText();
    }

    Boolean bool(String path) {
        JsonNode node = node(path);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            problem(path, "true or false", node);
            return null;
        }
        return node.booleanValue();
    }

    /** An array of texts; {@code null} when absent; elements that are not scalars are skipped, with a problem. */
    List<String> texts(String path) {
        JsonNode node = node(path);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            problem(path, "an array", node);
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (element.isTextual()) {
                texts.add(element.asText());
            } else {
                problem(path + "[" + i + "]", "text", element);
            }
        }
        return texts;
    }

    /** An object of scalars as an insertion-ordered map; {@code null} when absent. */
    Map<String, String> textMap(String path) {
        JsonNode node = node(path);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            problem(path, "an object", node);
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(entry -> {
            if (entry.getValue().isValueNode() && !entry.getValue().isNull()) {
                map.put(entry.getKey(), entry.getValue().asText());
            } else {
                problem(path + "." + entry.getKey(), "text", entry.getValue());
            }
        });
        return map;
    }

    private void problem(String path, String expected, JsonNode found) {
        problems.add(source + ": " + path + " should be " + expected + ", found " + describe(found));
    }

    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static String describe(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return text.length() <= SHOWN_TEXT_CHARS
                    ? "\"" + text + "\""
                    : "\"" + text.substring(0, SHOWN_TEXT_CHARS) + "…\"";
        }
        return node.toString();
    }
}
