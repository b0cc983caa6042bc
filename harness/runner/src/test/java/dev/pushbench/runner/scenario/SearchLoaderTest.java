package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The search block and clients.cpuShare: defaults, each step's scenario, and positioned errors. */
class SearchLoaderTest {
    private static final String BASE = """
            name: t
            clients: {connections: 200}
            feed: {topics: 10, rate: 10/s, payload: 256B}
            timing: {duration: 5s}
            """;

    private static Scenario parse(String yaml) {
        return ScenarioLoader.parse(yaml, "s.yaml", Set.of("jetty", "vertx"));
    }

    /** The error starts at {@code position} and says {@code what}. */
    private static void assertErrorAt(String yaml, String position, String what) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(yaml));
        assertTrue(e.getMessage().startsWith("s.yaml:" + position + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    @Test
    void withoutASearchBlockEveryCellRunsOneLoad() {
        Scenario s = parse(BASE);
        assertNull(s.search());
        assertEquals(1.0, s.clients().cpuShare());
    }

    @Test
    void theDefaultsStartAtTheScenariosOwnValue() {
        Scenario s = parse(BASE + "search: {variable: clients.connections, slo: {p99: 100ms}}\n");
        SearchSpec search = s.search();
        assertEquals(SearchSpec.Variable.CONNECTIONS, search.variable());
        assertEquals(200, search.start());
        assertEquals(ScenarioDefaults.MAX_CONNECTIONS, search.max());
        assertEquals(0.05, search.resolution());
        assertEquals(3, search.confirm());
        assertEquals(Duration.ofMinutes(10), search.budget());
        assertEquals(new SearchSpec.Slo(Duration.ofMillis(100), 0, null), search.slo());
    }

    @Test
    void eachVariableIsWrittenAsItsKeyIsAndEachStepIsTheScenarioAtAValue() {
        Scenario rate = parse(BASE + "search: {variable: feed.rate, start: 50/s, max: 1000/s, slo: {p99: 20ms, lost: 5,"
                + " serverCpu: 150}}\n");
        assertEquals(50, rate.search().start());
        assertEquals(1000, rate.search().max());
        assertEquals(150.0, rate.search().slo().serverCpuPercent());
        Scenario step = rate.at(SearchSpec.Variable.FEED_RATE, 200);
        assertEquals(200, step.feed().ratePerSecond());
        // a step the rules between keys refuse fails as it would in a file: the search ends there (bound max)
        assertThrows(IllegalArgumentException.class, () -> rate.at(SearchSpec.Variable.FEED_RATE, 400));
        assertNull(step.search(), "a step is one load");
        assertEquals(200, step.clients().connections());

        Scenario payload = parse(BASE + "search: {variable: feed.payload, start: 1KiB, slo: {p99: 20ms}}\n");
        assertEquals(1024, payload.search().start());
        assertEquals(4096, payload.at(SearchSpec.Variable.FEED_PAYLOAD, 4096).feed().payloadBytes());
        assertEquals(3000, parse(BASE + "search: {variable: clients.connections, slo: {p99: 1s}}\n")
                .at(SearchSpec.Variable.CONNECTIONS, 3000).clients().connections());
    }

    @Test
    void badSearchesStopWithTheirPosition() {
        assertErrorAt(BASE + "search: {slo: {p99: 100ms}}\n", "5:1", "search.variable");
        assertErrorAt(BASE + "search: {variable: clients.conections, slo: {p99: 100ms}}\n", "5:20",
                "did you mean 'clients.connections'");
        assertErrorAt(BASE + "search: {variable: feed.rate}\n", "5:1", "search.slo");
        assertErrorAt(BASE + "search: {variable: feed.rate, slo: {lost: 0}}\n", "5:31", "search.slo.p99");
        assertErrorAt(BASE + "search: {variable: feed.rate, resolution: 5%, slo: {p99: 1s}}\n", "5:43", "0.05");
        assertErrorAt(BASE + "search: {variable: feed.rate, resolution: 0.001, slo: {p99: 1s}}\n", "5:43", "at least 0.01");
        assertErrorAt(BASE + "search: {variable: clients.connections, start: 500, max: 400, slo: {p99: 1s}}\n", "5:58",
                "at least search.start");
        assertErrorAt(BASE.replace("timing: {duration: 5s}", "timing: {duration: 5s, repeats: 2}")
                + "search: {variable: feed.rate, slo: {p99: 1s}}\n", "4:33", "search.confirm");
        assertErrorAt(BASE.replace("rate: 10/s", "rate: 0/s") + "publish: {rate: 1/s}\n"
                + "search: {variable: feed.rate, slo: {p99: 1s}}\n", "6:20", "above 0");
        assertErrorAt(BASE + "search: {variable: feed.rate, confirm: 0, slo: {p99: 1s}}\n", "5:40", "confirm");
    }

    @Test
    void cpuShareIsAShareOfTheTime() {
        assertEquals(0.25, parse(BASE.replace("connections: 200", "connections: 200, cpuShare: 0.25")).clients().cpuShare());
        assertErrorAt(BASE.replace("connections: 200", "connections: 200, cpuShare: 0.01"), "2:39", "at least 0.05");
        assertErrorAt(BASE.replace("connections: 200", "connections: 200, cpuShare: 2"), "2:39", "at most 1");
    }
}
