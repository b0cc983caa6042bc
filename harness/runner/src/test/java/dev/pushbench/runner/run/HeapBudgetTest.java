package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Event;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.runner.scenario.Scenario;
import dev.pushbench.runner.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HeapBudgetTest {
    private static final List<String> RUNNER_OPTIONS = List.of("-Xms256m", "-Xmx2g");

    @Test
    void theEventSizeIsTheEventsOwnLayout() {
        for (int payload : new int[] {0, 256, 4096}) {
            Event e = Event.encode(0, 1, 1_000_000_000L, 1_000_000_000L, payload);
            e.jsonText();
            assertEquals(e.retainedBytes(), HeapBudget.bytesPerEvent(payload), "payload " + payload);
        }
        Event big = Event.encode(0, 1, 1_000_000_000L, 1_000_000_000L, 1 << 20);
        big.jsonText();
        assertEquals(big.retainedBytes(), HeapBudget.bytesPerEvent(1 << 20), 16.0, "extrapolated from 4 KiB");
    }

    @Test
    void aMillionTopicsDoNotFitAndTheMessageShowsTheArithmetic() {
        BadInputException e = assertThrows(BadInputException.class, () -> HeapBudget.check("big.yaml",
                new FeedSpec(1_000_000, 1, 256, 1024), 100, ClientEngineKind.JETTY, RUNNER_OPTIONS, List.of(), List.of()));
        String m = e.getMessage();
        assertTrue(m.startsWith("big.yaml: the server cannot hold this scenario"), m);
        assertTrue(m.contains("feed.topics 1000000 x feed.history 1024 events x " + HeapBudget.bytesPerEvent(256) + " B an event"), m);
        assertTrue(m.contains("above its maximum heap of 2.0 GiB"), m);
        assertTrue(m.contains("PUSHBENCH_JAVA_OPTS_SERVER=-Xmx"), m);
    }

    @Test
    void sixteenMebibyteEventsDoNotFitEither() {
        BadInputException e = assertThrows(BadInputException.class, () -> HeapBudget.check("huge.yaml",
                new FeedSpec(1, 1, 16 << 20, 1024), 10, ClientEngineKind.JETTY, RUNNER_OPTIONS, List.of(), List.of()));
        assertTrue(e.getMessage().contains("payload 16777216 B"), e.getMessage());
    }

    @Test
    void aLargerHeapGivenByTheUserIsHonoured() throws BadInputException {
        FeedSpec feed = new FeedSpec(4000, 1, 256, 1024); // 4000 x 1024 x ~700 B: ~2.7 GiB
        assertThrows(BadInputException.class, () -> HeapBudget.check("s.yaml", feed, 100, ClientEngineKind.JETTY, RUNNER_OPTIONS,
                List.of(), List.of()));
        HeapBudget.check("s.yaml", feed, 100, ClientEngineKind.JETTY, RUNNER_OPTIONS, List.of("-Xmx8g"), List.of());
        assertEquals(8L << 30, HeapBudget.maxHeap(RUNNER_OPTIONS, List.of("-Xmx8g")));
        assertEquals(512L << 20, HeapBudget.maxHeap(List.of("-Xmx2g", "-Xmx512m"), List.of()));
    }

    @Test
    void everyShippedScenarioFits() throws Exception {
        try (Stream<Path> files = Files.walk(Path.of("../../benchmarks/scenarios"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Scenario s = ScenarioLoader.load(f, Set.of("jetty", "vertx"));
                HeapBudget.check(f.toString(), s.feed(), s.clients().connections(), s.clients().engine(),
                        s.matrix().transports().stream().anyMatch(dev.pushbench.core.Transport::isPolling), RUNNER_OPTIONS,
                        List.of(), List.of());
            }
        }
    }

    @Test
    void tooManyClientsForTheLoadGeneratorNameItsOption() {
        BadInputException e = assertThrows(BadInputException.class, () -> HeapBudget.check("c.yaml", new FeedSpec(1, 1, 64, 1),
                100_000, ClientEngineKind.JETTY, List.of("-Xmx2g"), List.of("-Xmx64g"), List.of()));
        assertTrue(e.getMessage().contains("the load generator cannot hold"), e.getMessage());
        assertTrue(e.getMessage().contains("PUSHBENCH_JAVA_OPTS_LOADGEN=-Xmx"), e.getMessage());
    }
}
