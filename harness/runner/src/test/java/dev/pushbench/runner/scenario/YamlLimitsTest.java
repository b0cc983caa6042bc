package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file past one of the YAML limits is refused with the position where the parser stopped, not only a message. */
class YamlLimitsTest {
    private static final Set<String> STACKS = Set.of("jetty", "vertx");

    private static ScenarioException refused(Path file) {
        return assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file, STACKS));
    }

    @Test
    void anAliasBombIsRefusedAtTheFirstAliasTooMany(@TempDir Path dir) throws IOException {
        StringBuilder yaml = new StringBuilder("name: bomb\na: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++) {
            char name = (char) ('a' + i);
            char previous = (char) ('a' + i - 1);
            yaml.append(name).append(": &").append(name).append(" [");
            for (int k = 0; k < 9; k++) {
                yaml.append(k == 0 ? "" : ", ").append('*').append(previous);
            }
            yaml.append("]\n");
        }
        Path file = dir.resolve("bomb.yaml");
        Files.writeString(file, yaml);
        ScenarioException e = refused(file);
        // 9 aliases a line from line 3 on: the 51st is the 6th alias of line 8 ("g: &g [*f, *f, ..."), column 28
        assertEquals(8, e.line(), e.getMessage());
        assertEquals(28, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ":8:28"), e.getMessage());
        assertTrue(e.getMessage().contains("more than 50 aliases"), e.getMessage());
    }

    @Test
    void deepNestingIsRefusedWhereItGoesTooDeep(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("deep.yaml");
        Files.writeString(file, "name: deep\nx: " + "[".repeat(40) + "]".repeat(40) + "\n");
        ScenarioException e = refused(file);
        // the root mapping is level 1, so the 20th bracket opens level 21
        assertEquals(2, e.line(), e.getMessage());
        assertEquals(4 + 19, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains("nested deeper than 20"), e.getMessage());
    }

    @Test
    void aFileOverOneMebibyteIsRefusedWhereItCrossesTheLimit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("big.yaml");
        String head = "name: big\n";
        Files.writeString(file, head + "description: \"" + "x".repeat(1_100_000) + "\"\n");
        ScenarioException e = refused(file);
        assertEquals(2, e.line(), e.getMessage());
        assertEquals((1 << 20) - head.length() + 1, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains("longer than 1048576 characters"), e.getMessage());
    }
}
