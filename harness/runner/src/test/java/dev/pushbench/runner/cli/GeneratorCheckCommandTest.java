package dev.pushbench.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The check's verdict rests on medians; its bad options exit 2 before anything starts. */
class GeneratorCheckCommandTest {

    @Test
    void theMedianOfOddAndEvenCounts() {
        assertEquals(1.2, GeneratorCheckCommand.median(List.of(1.5, 1.2, 0.9)), 1e-12);
        assertEquals(1.05, GeneratorCheckCommand.median(List.of(1.3, 0.9, 1.0, 1.1)), 1e-12);
        assertEquals(0.7, GeneratorCheckCommand.median(List.of(0.7)), 1e-12);
    }

    @Test
    void badOptionsAreBadInput() {
        assertEquals(2, PushbenchCli.execute("generator-check", "--repeats", "0"));
        assertEquals(2, PushbenchCli.execute("generator-check", "--protocols", "h2"));
        assertEquals(2, PushbenchCli.execute("generator-check", "--streams", "long-polling"));
        assertEquals(2, PushbenchCli.execute("generator-check", "--duration", "0s"));
    }
}
