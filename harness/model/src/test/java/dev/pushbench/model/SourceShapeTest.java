package dev.pushbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules for the whole tree's main code that a reader relies on: one class per simple name, so a
 * name found in a log or a stack trace means one thing; and no class longer than
 * {@value #LONG_LINES} lines unless its opening comment says why ("is long because").
 */
class SourceShapeTest {
    static final Path ROOT = Path.of("../..");
    static final int LONG_LINES = 400;

    static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void noTwoMainClassesShareASimpleName() throws IOException {
        Map<String, List<String>> byName = new TreeMap<>();
        for (Path p : mainSources()) {
            String name = p.getFileName().toString().replace(".java", "");
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(ROOT.relativize(p).toString());
        }
        Map<String, List<String>> shared = new TreeMap<>();
        byName.forEach((name, paths) -> {
            if (paths.size() > 1) {
                shared.put(name, paths);
            }
        });
        assertEquals(Map.of(), shared);
    }

    @Test
    void aLongClassSaysWhy() throws IOException {
        List<String> unexplained = new ArrayList<>();
        for (Path p : mainSources()) {
            List<String> lines = Files.readAllLines(p);
            if (lines.size() > LONG_LINES && !String.join("\n", lines).contains("is long because")) {
                unexplained.add(ROOT.relativize(p) + " (" + lines.size() + " lines)");
            }
        }
        assertEquals(List.of(), unexplained);
    }
}
