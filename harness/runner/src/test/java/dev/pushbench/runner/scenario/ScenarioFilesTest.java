package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** The scenario files in benchmarks/scenarios and the reference in docs/scenarios.md. */
class ScenarioFilesTest {

    private static final Set<String> STACKS = Set.of("jetty", "vertx");
    /** Starting and stopping a server JVM and a load-generator JVM, per cell, on the two-core machine. */

    static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("benchmarks/scenarios"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no benchmarks/scenarios above " + Path.of("").toAbsolutePath());
    }

    /** Every preset, those run by name from the subfolders included. */
    static List<Path> scenarioFiles() throws IOException {
        try (Stream<Path> files = Files.walk(repoRoot().resolve("benchmarks/scenarios"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The default suite's presets (and quick): the top level of benchmarks/scenarios. */
    static List<Path> defaultSuite() throws IOException {
        Path dir = repoRoot().resolve("benchmarks/scenarios");
        return scenarioFiles().stream().filter(p -> p.getParent().equals(dir)).toList();
    }

    @ParameterizedTest
    @MethodSource("scenarioFiles")
    void loadsCleanlyAndIsNamedAfterItsFile(Path file) throws IOException {
        Scenario s = ScenarioLoader.load(file, STACKS);
        // the cluster's presets carry their folder in the name (cluster/demo.yaml: cluster-demo), as run ids show it
        String folder = file.getParent().getFileName().toString();
        String named = folder.equals("cluster") ? folder + "-" + file.getFileName() : file.getFileName().toString();
        assertEquals(named, s.name() + ".yaml");
        assertEquals(folder.equals("cluster"), s.cluster() != null, "a preset has a cluster block if and only if it is in cluster/");
        assertFalse(s.description().isBlank(), "every preset says what it stands for");
        if (defaultSuite().contains(file) && s.search() == null) {
            // the load generator opens one connection per subscriber: the default suite stays well inside 20,000 open files
            assertTrue(s.clients().connections() <= 5_000, s.name());
        }
    }

    @Test
    void theFivePresetsAreThere() throws IOException {
        List<String> names = defaultSuite().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("capacity.yaml", "feed.yaml", "job-progress.yaml", "live-status.yaml", "notifications.yaml",
                "quick.yaml"), names);
    }

    /** The default suite compares the two stacks: every top-level preset runs both. */
    @Test
    void everyTopLevelPresetRunsBothStacks() throws IOException {
        for (Path file : defaultSuite()) {
            Scenario s = ScenarioLoader.load(file, STACKS);
            assertEquals(List.of("jetty", "vertx"), s.matrix().stacks(), file.getFileName().toString());
        }
    }

    @Test
    void quickRunsEveryCell() {
        Scenario quick = ScenarioLoader.load(repoRoot().resolve("benchmarks/scenarios/quick.yaml"), STACKS);
        assertEquals(32, quick.matrix().cellCount(), "both stacks x 4 transports x 4 protocols");
    }

    /** Each key must appear, with a comment on its line or just above it, in at least one preset. */
    @Test
    void everyKeyIsWrittenAndCommentedSomewhere() throws IOException {
        List<String> missing = new ArrayList<>();
        for (ScenarioKeys.Key key : ScenarioKeys.all()) {
            boolean found = false;
            for (Path file : scenarioFiles()) {
                String text = Files.readString(file);
                Integer line = lineOfKey(text, key.section(), key.name());
                if (line != null && commented(text.split("\n", -1), line)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(key.path());
            }
        }
        assertEquals(List.of(), missing, "keys never written with a comment in benchmarks/scenarios");
    }

    /** The line of {@code name} in {@code section} ({@code clients.reconnect} nests; a list's items are searched each). */
    private static Integer lineOfKey(String text, String section, String name) {
        Node node = new Yaml().compose(new StringReader(text));
        if (!section.isEmpty()) {
            for (String part : section.split("\\.")) {
                node = node instanceof MappingNode m ? valueOf(m, part) : null;
            }
        }
        List<MappingNode> mappings = new ArrayList<>();
        if (node instanceof MappingNode m) {
            mappings.add(m);
        } else if (node instanceof SequenceNode list) {
            list.getValue().stream().filter(MappingNode.class::isInstance).map(MappingNode.class::cast).forEach(mappings::add);
        }
        for (MappingNode mapping : mappings) {
            for (NodeTuple t : mapping.getValue()) {
                if (((ScalarNode) t.getKeyNode()).getValue().equals(name)) {
                    return t.getKeyNode().getStartMark().getLine();
                }
            }
        }
        return null;
    }

    private static Node valueOf(MappingNode mapping, String key) {
        for (NodeTuple t : mapping.getValue()) {
            if (((ScalarNode) t.getKeyNode()).getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static boolean commented(String[] lines, int line) {
        return lines[line].contains(" #") || (line > 0 && lines[line - 1].strip().startsWith("#"));
    }

    @Test
    void referenceTableInTheDocsIsTheGeneratedOne() throws IOException {
        String docs = Files.readString(repoRoot().resolve("docs/scenarios.md"));
        String table = ScenarioKeys.markdownTable();
        assertTrue(docs.contains(table), "docs/scenarios.md must contain, verbatim, ScenarioKeys.markdownTable():\n\n" + table);
        String readme = Files.readString(repoRoot().resolve("README.md"));
        assertTrue(readme.contains(table), "README.md's scenario reference must contain, verbatim, ScenarioKeys.markdownTable()");
    }

    /** Any prefix of a valid file is valid or fails with a positioned message; nothing else escapes. */
    @Test
    void everyTruncationOfQuickFailsCleanly() throws IOException {
        String text = Files.readString(repoRoot().resolve("benchmarks/scenarios/quick.yaml"));
        Pattern positioned = Pattern.compile("quick\\.yaml:(\\d+):(\\d+): \\S.*");
        long lines = text.lines().count() + 1;
        for (int end = 0; end <= text.length(); end++) {
            String prefix = text.substring(0, end);
            try {
                ScenarioLoader.parse(prefix, "quick.yaml", STACKS);
            } catch (ScenarioException e) {
                Matcher m = positioned.matcher(e.getMessage());
                assertTrue(m.matches(), "at " + end + ": " + e.getMessage());
                assertTrue(Integer.parseInt(m.group(1)) <= lines, "at " + end + ": " + e.getMessage());
            } catch (RuntimeException e) {
                fail("cut at character " + end + " escaped as " + e, e);
            }
        }
    }
}
