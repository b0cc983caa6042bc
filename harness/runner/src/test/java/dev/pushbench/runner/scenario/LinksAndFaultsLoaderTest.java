package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keys of the real path's second part: network links, faults, clients' reconnect and dead-connection time. */
class LinksAndFaultsLoaderTest {
    private static final String MINIMAL = """
            name: t
            clients: {connections: 10}
            feed: {rate: 10/s}
            timing: {duration: 30s}
            """;

    private static Scenario parse(String yaml) {
        return ScenarioLoader.parse(yaml, "s.yaml", Set.of("jetty", "vertx"));
    }

    /** The error starts at {@code position} and says {@code what}. */
    private static void assertError(String yaml, String position, String what) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(yaml));
        assertTrue(e.getMessage().startsWith("s.yaml:" + position + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    @Test
    void withoutTheKeysTheCellsAreOnLoopbackAsItIsWithNoFault() {
        Scenario s = parse(MINIMAL);
        assertEquals(List.of(NetworkLink.NONE), s.matrix().links());
        assertEquals(RecoverySettings.DEFAULT, s.recovery());
        assertEquals(Duration.ofSeconds(30), s.recovery().deadAfter(Duration.ofSeconds(15)), "two heartbeats");
    }

    @Test
    void presetsAreLinksOfTheMatrixAndFiguresReplaceTheirs() {
        Scenario s = parse(MINIMAL + "network: {link: [none, 4g, 3g], rtt: 100ms, down: 2Mbit/s}\n");
        List<NetworkLink> links = s.matrix().links();
        assertEquals(List.of("none", "4g", "3g"), links.stream().map(NetworkLink::id).toList());
        assertEquals(NetworkLink.NONE, links.get(0), "none is never shaped");
        assertEquals(Duration.ofMillis(100), links.get(1).rtt());
        assertEquals(2_000_000L, links.get(2).downBitsPerSecond());
        assertEquals(768_000L, links.get(2).upBitsPerSecond(), "3g's own uplink where none is written");
        assertEquals(Duration.ofSeconds(30), links.get(2).stallEvery());
        assertEquals(3 * 2, s.matrix().cellCount() / s.matrix().transports().size() / s.matrix().protocols().size());
    }

    @Test
    void figuresWithoutALinkAreACustomOne() {
        NetworkLink link = parse(MINIMAL + "network: {rtt: 80ms, up: 512kbit/s}\n").matrix().links().get(0);
        assertEquals("custom", link.id());
        assertEquals(Duration.ofMillis(80), link.rtt());
        assertEquals(512_000L, link.upBitsPerSecond());
        assertEquals(0L, link.downBitsPerSecond(), "unlimited");
    }

    @Test
    void loopbackShapesNothingWhateverTheFigures() {
        List<NetworkLink> links = parse(MINIMAL + "network: {link: [loopback, custom], rtt: 100ms}\n").matrix().links();
        assertEquals(NetworkLink.LOOPBACK, links.get(0));
        assertEquals(Duration.ofMillis(100), links.get(1).rtt());
    }

    @Test
    void badLinksArePointedAt() {
        assertError(MINIMAL + "network: {link: 5g}\n", "5:17", "network.link has an unknown value");
        assertError(MINIMAL + "network: {link: none, rtt: 50ms}\n", "5:28", "network.rtt has no link to change");
        assertError(MINIMAL + "network: {link: custom, down: 10Mbps}\n", "5:31", "did you mean '10Mbit/s'?");
        assertError(MINIMAL + "network: {link: custom, down: 10MB}\n", "5:31", "unknown bandwidth unit 'MB'");
        assertError(MINIMAL + "network: {link: custom, rtt: 11s}\n", "5:30", "network.rtt must be at most 10s");
        assertError(MINIMAL + "network: {link: custom, mtu: 100}\n", "5:30", "network.mtu must be between 576 and 65535");
        assertError(MINIMAL + "network: {link: custom, stallEvery: 10s}\n", "5:37", "needs network.stallFor");
    }

    @Test
    void faultsAreAScheduleInsideTheWindow() {
        Scenario s = parse(MINIMAL + """
                faults:
                  - {type: cut, mode: drop, at: 5s, every: 10s, share: 0.25}
                  - {type: blackhole, at: 12s, duration: 3s}
                  - {type: restart, at: 20s, down: 1s}
                """);
        List<FaultPlan> faults = s.recovery().faults();
        assertEquals(3, faults.size());
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(25)),
                faults.get(0).times(Duration.ofSeconds(30)));
        assertEquals(FaultPlan.Mode.DROP, faults.get(0).mode());
        assertEquals(0.25, faults.get(0).share());
        assertEquals(Duration.ofSeconds(3), faults.get(1).duration());
        assertEquals(1.0, faults.get(1).share(), "all of the live connections by default");
        assertEquals(Duration.ofSeconds(1), faults.get(2).down());
        assertTrue(s.recovery().needsRelay());
    }

    @Test
    void badFaultsArePointedAt() {
        assertError(MINIMAL + "faults: {type: cut}\n", "5:9", "faults must be a list");
        assertError(MINIMAL + "faults:\n  - {at: 5s}\n", "6:5", "missing required key 'faults.type'");
        assertError(MINIMAL + "faults:\n  - {type: cutt, at: 5s}\n", "6:12", "did you mean 'cut'?");
        assertError(MINIMAL + "faults:\n  - {type: cut}\n", "6:5", "needs faults.at (when) or faults.every");
        assertError(MINIMAL + "faults:\n  - {type: cut, at: 30s}\n", "6:21", "must fall inside the measured window");
        assertError(MINIMAL + "faults:\n  - {type: restart, at: 5s, share: 0.5}\n", "6:36", "faults.share does not apply to a restart");
        assertError(MINIMAL + "faults:\n  - {type: cut, at: 5s, share: 25%}\n", "6:32", "did you mean '0.25'?");
        assertError(MINIMAL + "faults:\n  - {type: cut, at: 5s, shar: 0.5}\n", "6:25", "unknown key in faults");
        assertError(MINIMAL + "faults:\n  - {type: proxy-reload, at: 5s}\n", "6:12", "needs a proxy on the path");
        assertError(MINIMAL.replace("{connections: 10}", "{connections: 10, engine: jetty}")
                + "faults:\n  - {type: blackhole, at: 5s}\n", "6:12", "needs clients.engine nio");
    }

    @Test
    void reconnectAndDeadAfter() {
        Scenario s = parse(MINIMAL.replace("{connections: 10}",
                "{connections: 10, deadAfter: 4s, reconnect: {initial: 200ms, max: 2s, jitter: 0}}"));
        assertEquals(Duration.ofMillis(200), s.recovery().reconnectInitial());
        assertEquals(Duration.ofSeconds(2), s.recovery().reconnectMax());
        assertEquals(0.0, s.recovery().reconnectJitter());
        assertEquals(Duration.ofSeconds(4), s.recovery().deadAfter(Duration.ofSeconds(15)));
        assertError(MINIMAL.replace("{connections: 10}", "{connections: 10, reconnect: {initial: 2s, max: 1s}}"), "2:58",
                "clients.reconnect.max must be at least clients.reconnect.initial");
        assertError(MINIMAL.replace("{connections: 10}", "{connections: 10, reconnect: {jitter: 2}}"), "2:48",
                "clients.reconnect.jitter must be between 0 and at most 1");
        assertError(MINIMAL.replace("{connections: 10}", "{connections: 10, reconnect: {delay: 1s}}"), "2:40",
                "unknown key in clients.reconnect");
    }
}
