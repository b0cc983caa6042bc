package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records on their own: what they refuse when built in code, and what they derive. */
class ScenarioModelTest {

    private static final Matrix ALL = new Matrix(List.of("jetty"), ScenarioDefaults.TRANSPORTS, ScenarioDefaults.PROTOCOLS);
    private static final FeedSpec FEED = new FeedSpec(5, 20, 256, 1024);
    private static final Timing TIMING = new Timing(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2), 1);
    private static final TransportOptions TRANSPORTS = new TransportOptions(Duration.ofSeconds(1), Duration.ofSeconds(15),
            Duration.ofSeconds(7), Duration.ofSeconds(10), Duration.ofMillis(500));
    private static final ServerOptions SERVER = new ServerOptions(Backpressure.DROP, 128);

    private static Scenario scenario(Matrix matrix, Clients clients, Timing timing) {
        return new Scenario("quick", "", Path.of("quick.yaml"), matrix, clients, FEED, timing, TRANSPORTS, SERVER);
    }

    @Test
    void serverConfigCarriesTheScenarioOptions() {
        Scenario s = scenario(ALL, new Clients(50, 500, 0), TIMING);
        ServerConfig sse = s.serverConfig(Transport.SSE, Protocol.H2C, "127.0.0.1");
        assertEquals(new ServerConfig("127.0.0.1", 0, Protocol.H2C, Duration.ofSeconds(15), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 128, Backpressure.DROP, null), sse);
        assertEquals(Duration.ofSeconds(7), s.serverConfig(Transport.WEBSOCKET, Protocol.HTTP_1_1, "::1").heartbeatInterval());
        assertEquals(new FeedSpec(5, 20, 256, 1024), s.feed());
    }

    @Test
    void estimatedRunTimeCountsEverySupportedCellAndRepeatWithTheDrainItNeeds() {
        Scenario once = scenario(ALL, new Clients(50, 500, 0), TIMING);
        // 16 cells (4 transports × 4 protocols) × (5s overhead + 0.1s ramp + 2s warm-up + 5s), and the
        // 4 short-polling cells drain for one 500 ms interval; the others' drains end once nothing is owed
        assertEquals(Duration.ofMillis(16 * 12_100 + 4 * 500), once.estimatedRunTime(Duration.ofSeconds(5)));
        Scenario thrice = scenario(new Matrix(List.of("jetty"), List.of(Transport.SSE), List.of(Protocol.H2C)),
                new Clients(1, 1, 0), new Timing(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(1), 3));
        assertEquals(Duration.ofSeconds(3 * (1 + 1 + 5)), thrice.estimatedRunTime(Duration.ofSeconds(1)));
    }

    @Test
    void cellsTheStackCannotServeCostNothingAndSayWhy() {
        Scenario vertx = scenario(new Matrix(List.of("vertx"), List.of(Transport.WEBSOCKET), List.of(Protocol.H2C, Protocol.HTTP_1_1)),
                new Clients(1, 1, 0), new Timing(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(1), 1));
        assertTrue(vertx.unsupported("vertx", Transport.WEBSOCKET, Protocol.H2C).isPresent());
        assertEquals(Duration.ofSeconds(1 + 1 + 5), vertx.estimatedRunTime(Duration.ofSeconds(1)), "only the HTTP/1.1 cell runs");
        for (dev.pushbench.loadgen.ClientEngineKind engine : dev.pushbench.loadgen.ClientEngineKind.values()) {
            Scenario s = new Scenario("e", "", Path.of("e.yaml"), new Matrix(List.of("jetty"), List.of(Transport.values()),
                    List.of(Protocol.values())), new Clients(1, 1, 0, engine), FEED, TIMING, TRANSPORTS, SERVER);
            for (Transport t : Transport.values()) {
                for (Protocol p : Protocol.values()) {
                    assertTrue(s.unsupported("jetty", t, p).isEmpty(), () -> engine + " runs every cell the stack serves: " + t + " " + p);
                }
            }
        }
    }

    @Test
    void listsAreCopiedAndChecked() {
        List<String> stacks = new ArrayList<>(List.of("jetty"));
        Matrix m = new Matrix(stacks, List.of(Transport.SSE), List.of(Protocol.H2C));
        stacks.add("vertx");
        assertEquals(List.of("jetty"), m.stacks());
        assertEquals("matrix.transports must list at least one, got []", assertThrows(IllegalArgumentException.class,
                () -> new Matrix(List.of("jetty"), List.of(), List.of(Protocol.H2C))).getMessage());
        assertEquals("matrix.protocols must list each value once, got [h2c, h2c]", assertThrows(IllegalArgumentException.class,
                () -> new Matrix(List.of("jetty"), List.of(Transport.SSE), List.of(Protocol.H2C, Protocol.H2C))).getMessage());
    }

    @Test
    void recordsRefuseWhatTheLoaderRefuses() {
        assertEquals("clients.connections must be between 1 and 1000000, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Clients(0, 1, 0)).getMessage());
        assertEquals("timing.duration must be above 0s and at most 24h, got 0s",
                assertThrows(IllegalArgumentException.class, () -> new Timing(Duration.ZERO, Duration.ZERO, Duration.ZERO, 1)).getMessage());
        assertEquals("long-polling.hold must be above 0s and at most 1h, got 2h",
                assertThrows(IllegalArgumentException.class, () -> new TransportOptions(Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(2), Duration.ofSeconds(1))).getMessage());
        assertEquals("long-polling.hold must be shorter than 1h, got 1h",
                assertThrows(IllegalArgumentException.class, () -> new TransportOptions(Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(1))).getMessage());
        assertEquals("history must be a power of two between 1 and 16777216 events, got 1000",
                assertThrows(IllegalArgumentException.class, () -> new FeedSpec(1, 1, 0, 1000)).getMessage());
        assertEquals("server.maxBatchEvents must be between 1 and 65536, got 0",
                assertThrows(IllegalArgumentException.class, () -> new ServerOptions(Backpressure.DROP, 0)).getMessage());
        // a rule between sections
        assertEquals("timing.drain must be at least short-polling.interval (500ms) when short-polling is in the matrix,"
                        + " or the last measured events are never polled, got 0s; allowed: a duration of at least 500ms;"
                        + " did you mean '500ms'?",
                assertThrows(IllegalArgumentException.class, () -> scenario(ALL, new Clients(1, 1, 0),
                        new Timing(Duration.ZERO, Duration.ofSeconds(5), Duration.ZERO, 1))).getMessage());
        assertEquals("name must be lower-case letters, digits and dashes, starting with a letter or digit, at most 40"
                        + " characters, got '-x'",
                assertThrows(IllegalArgumentException.class, () -> new Scenario("-x", "", Path.of("x"), ALL,
                        new Clients(1, 1, 0), FEED, TIMING, TRANSPORTS, SERVER)).getMessage());
    }

    /** The limits printed in the reference are the ones the feed itself enforces. */
    @Test
    void feedLimitsAreFeedSpecLimits() {
        new FeedSpec(ScenarioDefaults.MAX_TOPICS, ScenarioDefaults.MAX_RATE_PER_SECOND, ScenarioDefaults.MAX_PAYLOAD_BYTES,
                ScenarioDefaults.MAX_HISTORY_EVENTS);
        assertThrows(IllegalArgumentException.class, () -> new FeedSpec(ScenarioDefaults.MAX_TOPICS + 1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FeedSpec(1, Math.nextUp(ScenarioDefaults.MAX_RATE_PER_SECOND), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FeedSpec(1, 1, ScenarioDefaults.MAX_PAYLOAD_BYTES + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FeedSpec(1, 1, 0, ScenarioDefaults.MAX_HISTORY_EVENTS * 2));
    }

    @Test
    void churnAndRamp() {
        assertEquals(Duration.ofMillis(1500), new Clients(3000, 2000, 0).rampTime());
        assertEquals(false, new Clients(3000, 2000, 0).churns());
        assertEquals(true, new Clients(3000, 2000, 10).churns());
    }
}
