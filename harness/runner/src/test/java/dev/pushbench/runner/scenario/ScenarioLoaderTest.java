package dev.pushbench.runner.scenario;

import dev.pushbench.core.FeedSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Backpressure;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of error, with its exact position and message; and what a valid file turns into. */
class ScenarioLoaderTest {

    private static final Set<String> STACKS = Set.of("jetty", "vertx");
    private static final String MINIMAL = """
            name: t
            clients: {connections: 10}
            feed: {rate: 10/s}
            timing: {duration: 5s}
            """;

    private static Scenario parse(String yaml) {
        return ScenarioLoader.parse(yaml, "s.yaml", STACKS);
    }

    private static void assertError(String yaml, String message) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(yaml));
        assertEquals(message, e.getMessage());
    }

    // ---- valid files

    @Test
    void absentKeysTakeTheirDefaults() {
        Scenario s = parse(MINIMAL);
        assertEquals("t", s.name());
        assertEquals("", s.description());
        assertEquals(Path.of("s.yaml"), s.source());
        assertEquals(new Matrix(List.of("jetty", "vertx"), List.of(Transport.values()), List.of(Protocol.values())), s.matrix());
        assertEquals(new Clients(10, 1000, 0, ClientEngineKind.NIO), s.clients());
        assertEquals(new FeedSpec(1, 10, 256, 1024), s.feed());
        assertEquals(new Timing(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), 1), s.timing());
        assertEquals(new TransportOptions(Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(15),
                Duration.ofSeconds(30), Duration.ofSeconds(1)), s.transports());
        assertEquals(new ServerOptions(Backpressure.DISCONNECT, 256), s.server());
    }

    @Test
    void everyKeyWrittenOutIsRead() {
        Scenario s = parse("""
                name: all-keys-2
                description: "every key"
                matrix:
                  stacks: [vertx]
                  transports: [short-polling, sse]
                  protocols: [h2c]
                clients:
                  connections: 1_000
                  rampRate: 600/min
                  eventsPerConnection: 7
                  engine: nio
                feed:
                  topics: 3
                  rate: 0.5/s
                  payload: 4KiB
                  history: 64
                timing:
                  warmup: 0s
                  duration: 2m
                  drain: 1500ms
                  repeats: 3
                sse:           {retry: 250ms, heartbeat: 5s}
                websocket:     {heartbeat: 7s}
                long-polling:  {hold: 59m}
                short-polling: {interval: 500us}
                server:        {backpressure: drop, maxBatchEvents: 65536}
                """);
        assertEquals(new Scenario("all-keys-2", "every key", Path.of("s.yaml"),
                new Matrix(List.of("vertx"), List.of(Transport.SHORT_POLLING, Transport.SSE), List.of(Protocol.H2C)),
                new Clients(1000, 10, 7, ClientEngineKind.NIO), new FeedSpec(3, 0.5, 4096, 64),
                new Timing(Duration.ZERO, Duration.ofMinutes(2), Duration.ofMillis(1500), 3),
                new TransportOptions(Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(7),
                        Duration.ofMinutes(59), Duration.ofNanos(500_000)),
                new ServerOptions(Backpressure.DROP, 65536)), s);
    }

    @Test
    void aPathCrossesEachProxyWithEachProfileAndNoneOnce() {
        Scenario s = parse(MINIMAL + "path: {proxy: [none, nginx, haproxy], profile: [stock, push]}\n");
        assertEquals(List.of("none", "nginx-stock", "nginx-push", "haproxy-stock", "haproxy-push"),
                s.matrix().paths().stream().map(NetworkPath::id).toList());
        assertEquals(5 * 4 * 4 * 2, s.matrix().cellCount(), "2 stacks x 4 transports x 4 protocols x 5 paths");
        // one id alone stands for a list of it
        assertEquals(List.of("haproxy-push"), parse(MINIMAL + "path: {proxy: haproxy}\n").matrix().paths().stream()
                .map(NetworkPath::id).toList());
        assertEquals(List.of("none"), parse(MINIMAL).matrix().paths().stream().map(NetworkPath::id).toList());
    }

    @Test
    void anUnknownProxyOrProfileIsPointedAt() {
        assertError(MINIMAL + "path: {proxy: [nginx, envoy]}\n",
                "s.yaml:5:23: path.proxy has an unknown value, got envoy; allowed: " + ScenarioKeys.key("path.proxy").allowed());
        assertError(MINIMAL + "path: {profile: pushy}\n",
                "s.yaml:5:17: path.profile has an unknown value, got pushy; allowed: "
                        + ScenarioKeys.key("path.profile").allowed() + "; did you mean 'push'?");
        assertError(MINIMAL + "sse: {proxyHints: maybe}\n",
                "s.yaml:5:19: sse.proxyHints must be true or false, got maybe; allowed: true, false");
    }

    @Test
    void anSseCellThroughAStockNginxAlsoRunsWithoutTheHint() {
        Scenario s = parse(MINIMAL + "matrix: {stacks: [jetty], transports: [sse, websocket], protocols: [http1.1]}\n"
                + "path: {proxy: [nginx, haproxy], profile: [stock, push]}\n");
        List<String> names = new dev.pushbench.runner.run.ScenarioRunner(s, java.nio.file.Path.of("unused"), System.out,
                (stack, host, port, protocol, transport, feed, pem) -> List.of()).cells().stream()
                .map(dev.pushbench.runner.run.CellPlan::name).toList();
        assertEquals(List.of("jetty-sse-http1.1-nginx-stock", "jetty-sse-http1.1-nginx-stock-nohints",
                "jetty-sse-http1.1-nginx-push", "jetty-sse-http1.1-haproxy-stock", "jetty-sse-http1.1-haproxy-push",
                "jetty-websocket-http1.1-nginx-stock", "jetty-websocket-http1.1-nginx-push",
                "jetty-websocket-http1.1-haproxy-stock", "jetty-websocket-http1.1-haproxy-push"), names);
        assertEquals(List.of(), new dev.pushbench.runner.run.ScenarioRunner(
                parse(MINIMAL + "matrix: {transports: [sse]}\npath: {proxy: nginx, profile: stock}\nsse: {proxyHints: false}\n"),
                java.nio.file.Path.of("unused"), System.out, (stack, host, port, protocol, transport, feed, pem) -> List.of())
                .cells().stream().map(dev.pushbench.runner.run.CellPlan::name).filter(n -> !n.endsWith("-nohints")).toList(),
                "with the hint off every SSE cell runs without it, once");
    }

    @Test
    void writingEveryDefaultOutEqualsLeavingItOut() {
        // the reference table's default texts, fed back to the loader: they must mean what the loader does
        StringBuilder yaml = new StringBuilder("name: t\n");
        String section = "";
        for (ScenarioKeys.Key k : ScenarioKeys.all()) {
            String value = k.required()
                    ? switch (k.path()) {
                        case "clients.connections" -> "10";
                        case "feed.rate" -> "10/s";
                        case "timing.duration" -> "5s";
                        default -> null;
                    }
                    : k.path().startsWith("matrix.") ? "[" + k.defaultValue() + "]" : k.defaultValue();
            // source addresses: the default depends on the engine, the connections and the server's address; the
            // link's figures, the dead-connection time and the faults' defaults are descriptions, not values
            if (value == null || k.path().equals("matrix.stacks") || k.path().equals("description")
                    || k.path().equals("clients.sourceAddresses") || k.path().equals("clients.deadAfter")
                    || k.section().equals("network") || k.section().equals("faults")
                    // a publish block written out makes the scenario two-way: TwoWayLoaderTest reads its defaults
                    || k.section().equals("publish")
                    // likewise a search block (SearchLoaderTest), and a cluster block (ClusterLoaderTest)
                    || k.section().startsWith("search") || k.section().equals("cluster")) {
                continue;
            }
            String indent = "  ";
            if (!k.section().equals(section)) {
                boolean nested = k.section().startsWith(section + ".") && !section.isEmpty();
                section = k.section();
                yaml.append(nested ? "  " + section.substring(section.lastIndexOf('.') + 1) : section).append(":\n");
            }
            if (section.contains(".")) {
                indent = "    ";
            }
            yaml.append(indent).append(k.name()).append(": ").append(value).append('\n');
        }
        assertEquals(parse(MINIMAL), parse(yaml.toString()), yaml.toString());
    }

    @Test
    void aliasesAndCommentsAndCrlfAreFine() {
        Scenario s = parse("# a comment\r\nname: t   # trailing\r\nclients: &c {connections: 10}\r\n"
                + "feed: {rate: 10/s}\r\ntiming: {duration: 5s}\r\n");
        assertEquals(10, s.clients().connections());
    }

    @Test
    void aByteOrderMarkIsIgnored() {
        assertEquals("t", parse("\uFEFF" + MINIMAL).name());
    }

    // ---- unknown keys

    @Test
    void misspeltKeySuggestsTheKeyMeant() {
        assertError("""
                name: t
                clients: {connections: 10}
                feed:
                  rate: 10/s
                  paylod: 1KiB
                timing: {duration: 5s}
                """, "s.yaml:5:3: unknown key in feed, got 'paylod'; allowed: topics, rate, payload, history;"
                + " did you mean 'payload'?");
    }

    @Test
    void keyInTheWrongCaseSuggestsTheKeyMeant() {
        assertError(MINIMAL + "Server: {maxBatchEvents: 10}\n",
                "s.yaml:5:1: unknown key in the scenario, got 'Timing'; allowed: name, description, matrix, path, network, clients, feed,"
                        .replace("Timing", "Server")
                        + " publish, search, timing, sse, websocket, long-polling, short-polling, server, faults, cluster; did you mean 'server'?");
    }

    @Test
    void keyInTheWrongSectionSaysWhereItBelongs() {
        assertError(MINIMAL + "payload: 1KiB\n",
                "s.yaml:5:1: unknown key in the scenario ('payload' belongs in feed), got 'payload'; allowed: name,"
                        + " description, matrix, path, network, clients, feed, publish, search, timing, sse, websocket, long-polling, short-polling, server, faults, cluster");
    }

    @Test
    void unknownKeyIsReportedBeforeAMissingOne() {
        // "durration" explains why duration is missing: say that, not "missing duration"
        assertError("""
                name: t
                clients: {connections: 10}
                feed: {rate: 10/s}
                timing:
                  durration: 5s
                """, "s.yaml:5:3: unknown key in timing, got 'durration'; allowed: warmup, duration, drain, repeats;"
                + " did you mean 'duration'?");
    }

    @Test
    void yamlMergeKeysAreNotScenarioKeys() {
        assertError(MINIMAL + "<<: {x: 1}\n", "s.yaml:5:1: unknown key in the scenario, got '<<'; allowed: name,"
                + " description, matrix, path, network, clients, feed, publish, search, timing, sse, websocket, long-polling, short-polling, server, faults, cluster");
    }

    @Test
    void keyThatIsNotANameIsRejected() {
        assertError(MINIMAL + "[a]: 1\n", "s.yaml:5:1: a key in the scenario must be a plain name, got a list; allowed:"
                + " name, description, matrix, path, network, clients, feed, publish, search, timing, sse, websocket, long-polling, short-polling, server, faults, cluster");
    }

    // ---- duplicates

    @Test
    void duplicateKeyPointsAtTheSecondAndNamesTheFirst() {
        assertError("""
                name: t
                clients: {connections: 10}
                feed:
                  rate: 10/s
                  rate: 20/s
                timing: {duration: 5s}
                """, "s.yaml:5:3: feed.rate is given twice (first at line 4, column 3), got 20/s; allowed: each key at most once");
    }

    @Test
    void duplicateSection() {
        assertError(MINIMAL + "feed: {rate: 1/s}\n",
                "s.yaml:5:1: feed is given twice (first at line 3, column 1), got a mapping; allowed: each key at most once");
    }

    @Test
    void duplicateListEntry() {
        assertError(MINIMAL + "matrix: {transports: [sse, websocket, sse]}\n",
                "s.yaml:5:39: matrix.transports lists sse twice (first at line 5, column 23), got sse; allowed: sse,"
                        + " websocket, long-polling, short-polling, each at most once");
    }

    // ---- missing keys

    @Test
    void missingKeyPointsAtItsSection() {
        assertError("""
                name: t
                clients: {connections: 10}
                feed:
                  topics: 3
                timing: {duration: 5s}
                """, "s.yaml:3:1: missing required key 'feed.rate'; allowed: 0/s (no feed: only with a publish block), or above 0/s, at most 1000000/s per topic and"
                + " 1000000/s over all topics, e.g. 10/s, 0.5/s, 600/min");
    }

    @Test
    void missingSectionPointsAtTheDocument() {
        assertError("""
                # comment lines first
                name: t
                clients: {connections: 10}
                feed: {rate: 10/s}
                """, "s.yaml:2:1: missing required section 'timing'; allowed: a mapping with at least duration");
    }

    @Test
    void missingName() {
        assertError(MINIMAL.replace("name: t\n", ""), "s.yaml:1:1: missing required key 'name'; allowed: lower-case"
                + " letters, digits and dashes ([a-z0-9][a-z0-9-]*), at most 40 characters");
    }

    @Test
    void keyWithoutAValue() {
        assertError("""
                name: t
                clients:
                  connections:
                feed: {rate: 10/s}
                timing: {duration: 5s}
                """, "s.yaml:3:15: clients.connections needs a value, got nothing; allowed: 1 to 1000000 (the runner"
                + " also checks the open-file limit)");
    }

    // ---- wrong types

    @Test
    void listWhereAMappingIsWanted() {
        assertError("""
                name: t
                clients:
                  - connections: 10
                feed: {rate: 10/s}
                timing: {duration: 5s}
                """, "s.yaml:3:3: clients must be a mapping of keys to values, got a list; allowed: the keys connections,"
                + " rampRate, eventsPerConnection, engine, sourceAddresses, deadAfter, cpuShare, reconnect");
    }

    @Test
    void sectionWithoutAValue() {
        assertError("name: t\nclients: {connections: 10}\nfeed: {rate: 10/s}\ntiming:\n",
                "s.yaml:4:8: timing must be a mapping of keys to values, got nothing; allowed: the keys warmup, duration,"
                        + " drain, repeats");
    }

    @Test
    void textWhereANumberIsWanted() {
        assertError(MINIMAL.replace("connections: 10", "connections: ten"),
                "s.yaml:2:24: clients.connections must be a whole number, got ten; allowed: 1 to 1000000 (the runner"
                        + " also checks the open-file limit)");
    }

    @Test
    void quotedNumberIsText() {
        assertError(MINIMAL.replace("connections: 10", "connections: \"10\""),
                "s.yaml:2:24: clients.connections must be a whole number, not quoted text, got \"10\"; allowed: 1 to"
                        + " 1000000 (the runner also checks the open-file limit); did you mean '10'?");
    }

    @Test
    void fractionWhereAWholeNumberIsWanted() {
        assertError(MINIMAL + "server: {maxBatchEvents: 1e3}\n",
                "s.yaml:5:26: server.maxBatchEvents must be a whole number, got 1e3; allowed: 1 to 65536");
        assertError(MINIMAL + "server: {maxBatchEvents: 010}\n",
                "s.yaml:5:26: server.maxBatchEvents must be a whole number, got 010; allowed: 1 to 65536");
    }

    @Test
    void mappingWhereAValueIsWanted() {
        assertError(MINIMAL.replace("rate: 10/s", "rate: {per: s}"),
                "s.yaml:3:14: feed.rate must be a single value, not a mapping, got a mapping; allowed: 0/s (no feed: only with a publish block), or above 0/s, at most"
                        + " 1000000/s per topic and 1000000/s over all topics, e.g. 10/s, 0.5/s, 600/min");
    }

    @Test
    void textWhereAListIsWanted() {
        assertError(MINIMAL + "matrix: {transports: sse}\n",
                "s.yaml:5:22: matrix.transports must be a list, e.g. [sse, websocket, long-polling, short-polling],"
                        + " got sse; allowed: sse, websocket, long-polling, short-polling, each at most once");
    }

    @Test
    void theDocumentIsNotAMapping() {
        assertError("just some words\n", "s.yaml:1:1: the scenario must be a mapping of keys to values, got just some"
                + " words; allowed: the keys name, description, matrix, path, network, clients, feed, publish, search, timing, sse, websocket,"
                + " long-polling, short-polling, server, faults, cluster");
    }

    // ---- impossible values

    @Test
    void numberOutOfRange() {
        assertError(MINIMAL.replace("connections: 10", "connections: 0"),
                "s.yaml:2:24: clients.connections must be between 1 and 1000000, got 0; allowed: 1 to 1000000 (the"
                        + " runner also checks the open-file limit)");
        assertError(MINIMAL.replace("connections: 10", "connections: 99999999999999999999"),
                "s.yaml:2:24: clients.connections must be between 1 and 1000000, got 99999999999999999999; allowed: 1"
                        + " to 1000000 (the runner also checks the open-file limit)");
        assertError(MINIMAL.replace("timing: {duration: 5s}", "timing: {duration: 5s, repeats: 21}"),
                "s.yaml:4:33: timing.repeats must be between 1 and 20, got 21; allowed: 1 to 20");
    }

    @Test
    void sizeOutOfRange() {
        assertError(MINIMAL.replace("rate: 10/s", "rate: 10/s, payload: 32MiB"),
                "s.yaml:3:29: feed.payload must be at most 16MiB, got 32MiB; allowed: 0B to 16MiB, e.g. 256B, 4KiB, 1MiB");
    }

    @Test
    void historyNotAPowerOfTwoSuggestsTheNextOne() {
        assertError(MINIMAL.replace("rate: 10/s", "rate: 10/s, history: 1000"),
                "s.yaml:3:29: feed.history must be a power of two, got 1000; allowed: a power of two from 1 to 16777216;"
                        + " did you mean '1024'?");
    }

    @Test
    void zeroRateWithoutPublishersSendsNothing() {
        assertError(MINIMAL.replace("rate: 10/s", "rate: 0/s"), "s.yaml:3:14: feed.rate is 0/s and the scenario has no"
                + " publish block: nobody would send a message, got 0/s; allowed: above 0/s, or 0/s with a publish block"
                + " (subscribers publish, the server's feed is silent); did you mean '10/s'?");
        assertError(MINIMAL.replace("rate: 10/s", "rate: -1/s"), "s.yaml:3:14: feed.rate is negative; a rate is at least 0, got -1/s; allowed: "
                + ScenarioKeys.key("feed.rate").allowed());
    }

    @Test
    void zeroDurationAndHeartbeat() {
        assertError(MINIMAL.replace("duration: 5s", "duration: 0s"),
                "s.yaml:4:20: timing.duration must be above 0s, got 0s; allowed: above 0s, at most 24h, e.g. 20s");
        assertError(MINIMAL + "websocket: {heartbeat: 0ms}\n",
                "s.yaml:5:24: websocket.heartbeat must be above 0s, got 0ms; allowed: a duration above 0s and at most 1h");
    }

    @Test
    void negativeWarmup() {
        assertError(MINIMAL.replace("duration: 5s", "duration: 5s, warmup: -1s"),
                "s.yaml:4:32: timing.warmup is negative; a duration is at least 0, got -1s; allowed: 0s to 24h, e.g. 5s");
    }

    @Test
    void longPollHoldOfAnHour() {
        assertError(MINIMAL + "long-polling: {hold: 60m}\n",
                "s.yaml:5:22: long-polling.hold must be shorter than 1h, got 60m; allowed: a duration above 0s and"
                        + " shorter than 1h");
    }

    @Test
    void longPollHoldOfHours() {
        assertError(MINIMAL + "long-polling: {hold: 2h}\n",
                "s.yaml:5:22: long-polling.hold must be shorter than 1h, got 2h; allowed: a duration above 0s and"
                        + " shorter than 1h");
    }

    @Test
    void sseRetryInWholeMilliseconds() {
        assertError(MINIMAL + "sse: {retry: 1500us}\n",
                "s.yaml:5:14: sse.retry must be whole milliseconds (the retry: field counts milliseconds), got 1500us;"
                        + " allowed: a duration above 0s and at most 1h, whole milliseconds");
    }

    @Test
    void unknownIdsSuggestTheIdMeant() {
        assertError(MINIMAL + "matrix: {protocols: [HTTP/1.1]}\n",
                "s.yaml:5:22: matrix.protocols has an unknown value, got HTTP/1.1; allowed: http1.1, h2c, https1.1, h2, each at most"
                        + " once; did you mean 'http1.1'?");
        assertError(MINIMAL + "matrix: {stacks: [jety]}\n",
                "s.yaml:5:19: matrix.stacks has an unknown value, got jety; allowed: jetty, vertx, each at most once;"
                        + " did you mean 'jetty'?");
        assertError(MINIMAL + "server: {backpressure: block}\n",
                "s.yaml:5:24: server.backpressure has an unknown value, got block; allowed: disconnect, drop");
        assertError("name: t\nclients: {connections: 10, engine: nioo}\nfeed: {rate: 10/s}\ntiming: {duration: 5s}\n",
                "s.yaml:2:36: clients.engine has an unknown value, got nioo; allowed: jetty, nio; did you mean 'nio'?");
        assertError("name: t\nclients: {connections: 10, engine: [nio]}\nfeed: {rate: 10/s}\ntiming: {duration: 5s}\n",
                "s.yaml:2:36: clients.engine must be a single value, not a list, got a list; allowed: jetty, nio");
    }

    @Test
    void emptyList() {
        assertError(MINIMAL + "matrix: {transports: []}\n",
                "s.yaml:5:22: matrix.transports must list at least one; leave the key out for all, got []; allowed: sse,"
                        + " websocket, long-polling, short-polling, each at most once");
    }

    @Test
    void nameThatCannotBeARunIdSuggestsOne() {
        assertError(MINIMAL.replace("name: t", "name: My Test!"),
                "s.yaml:1:7: name must be usable in a run id and a directory name, got My Test!; allowed: lower-case"
                        + " letters, digits and dashes ([a-z0-9][a-z0-9-]*), at most 40 characters; did you mean 'my-test'?");
        assertError(MINIMAL.replace("name: t", "name: " + "a".repeat(41)),
                "s.yaml:1:7: name is too long for a run id (41 characters), got " + "a".repeat(41) + "; allowed: lower-case"
                        + " letters, digits and dashes ([a-z0-9][a-z0-9-]*), at most 40 characters; did you mean '"
                        + "a".repeat(40) + "'?");
    }

    // ---- units

    @Test
    void bareNumberSaysWhichUnitsAreAllowed() {
        assertError(MINIMAL.replace("duration: 5s", "duration: 5"),
                "s.yaml:4:20: timing.duration has no unit (a bare number is ambiguous), got 5; allowed: above 0s, at"
                        + " most 24h, e.g. 20s");
        assertEquals("duration (ns, us, ms, s, m, h)", ScenarioKeys.key("timing.duration").type());
        assertError(MINIMAL.replace("rate: 10/s", "rate: 10"),
                "s.yaml:3:14: feed.rate has no unit (a bare number is ambiguous); a rate is a count per time unit, got 10;"
                        + " allowed: 0/s (no feed: only with a publish block), or above 0/s, at most 1000000/s per topic and 1000000/s over all topics, e.g. 10/s,"
                        + " 0.5/s, 600/min; did you mean '10/s'?");
        assertError(MINIMAL.replace("rate: 10/s", "rate: 10/s, payload: 256"),
                "s.yaml:3:29: feed.payload has no unit (a bare number is ambiguous), got 256; allowed: 0B to 16MiB,"
                        + " e.g. 256B, 4KiB, 1MiB");
    }

    @Test
    void misspeltUnitSuggestsTheUnitMeant() {
        assertError(MINIMAL.replace("duration: 5s", "duration: 5sec"),
                "s.yaml:4:20: timing.duration has an unknown duration unit 'sec', got 5sec; allowed: above 0s, at most"
                        + " 24h, e.g. 20s; did you mean '5s'?");
        assertError(MINIMAL.replace("rate: 10/s", "rate: 10/s, payload: 4KB"),
                "s.yaml:3:29: feed.payload is ambiguous: write 4KiB for 1024-based or 4kB for 1000-based kilobytes,"
                        + " got 4KB; allowed: 0B to 16MiB, e.g. 256B, 4KiB, 1MiB");
    }

    // ---- rules between sections

    @Test
    void drainShorterThanTheShortPollInterval() {
        assertError(MINIMAL.replace("duration: 5s", "duration: 5s, drain: 200ms") + "short-polling: {interval: 1s}\n",
                "s.yaml:4:31: timing.drain must be at least short-polling.interval (1s) when short-polling is in the"
                        + " matrix, or the last measured events are never polled, got 200ms; allowed: a duration of at"
                        + " least 1s; did you mean '1s'?");
        // not a problem without short polling
        parse(MINIMAL.replace("duration: 5s", "duration: 5s, drain: 200ms") + "matrix: {transports: [sse]}\n");
    }

    @Test
    void ruleWithDefaultedKeysPointsAtTheKeyThatWasWritten() {
        // drain is the default 2s: point at the interval that made it too short
        assertError(MINIMAL + "short-polling: {interval: 3s}\n",
                "s.yaml:5:27: timing.drain must be at least short-polling.interval (3s) when short-polling is in the"
                        + " matrix, or the last measured events are never polled, got 2s; allowed: a duration of at least"
                        + " 3s; did you mean '3s'?");
    }

    @Test
    void shortPollIntervalNotShorterThanTheMeasurement() {
        assertError(MINIMAL + "short-polling: {interval: 5s}\n",
                "s.yaml:5:27: short-polling.interval must be shorter than timing.duration (5s) when short-polling is in"
                        + " the matrix, or a client polls once or never while measured, got 5s; allowed: a duration above"
                        + " 0s and below 5s");
    }

    @Test
    void historyTooSmallForOneShortPoll() {
        assertError(MINIMAL.replace("rate: 10/s", "rate: 100/s, history: 64"),
                "s.yaml:3:30: feed.history must hold the events of one short-poll interval (feed.rate ×"
                        + " short-polling.interval = 100/s × 1s = 100 events), or every short poll loses events, got 64;"
                        + " allowed: a power of two of at least 100, or a shorter short-polling.interval; did you mean '128'?");
    }

    @Test
    void batchTooSmallForOneShortPoll() {
        // nothing of the rule was written but the rate: point there
        assertError(MINIMAL.replace("rate: 10/s", "rate: 500/s"),
                "s.yaml:3:14: server.maxBatchEvents must hold the events of one short-poll interval (feed.rate ×"
                        + " short-polling.interval = 500/s × 1s = 500 events), or a client polling on a fixed schedule"
                        + " falls further behind with every poll, got 256; allowed: at least 500 and at most 65536, or a"
                        + " shorter short-polling.interval");
    }

    @Test
    void rateTooLowToMeasureAnything() {
        assertError(MINIMAL.replace("rate: 10/s", "rate: 6/min"),
                "s.yaml:3:14: feed.rate publishes less than one event per topic during timing.duration (5s), so nothing"
                        + " would be measured, got 0.1/s; allowed: at least 0.2/s, or a longer timing.duration");
    }

    @Test
    void adviceIsRoundedTheSafeWay() {
        assertError(MINIMAL.replace("rate: 10/s", "rate: 0.1/s").replace("duration: 5s", "duration: 3s, drain: 1s"),
                "s.yaml:3:14: feed.rate publishes less than one event per topic during timing.duration (3s), so nothing"
                        + " would be measured, got 0.1/s; allowed: at least 0.334/s, or a longer timing.duration");
        assertError(MINIMAL.replace("rate: 10/s", "rate: 500000/s, topics: 3"),
                "s.yaml:3:14: feed.topics × feed.rate must be at most 1000000/s (one thread publishes every topic), got"
                        + " 3 × 500000/s = 1500000/s; allowed: a rate of at most 333333.333/s per topic with 3 topics");
    }

    @Test
    void totalRateAboveWhatOneFeedThreadPublishes() {
        assertError(MINIMAL.replace("rate: 10/s", "rate: 10/s, topics: 1000000"),
                "s.yaml:3:14: feed.topics × feed.rate must be at most 1000000/s (one thread publishes every topic), got"
                        + " 1000000 × 10/s = 10000000/s; allowed: a rate of at most 1/s per topic with 1000000 topics");
    }

    // ---- not YAML, not there, empty

    @Test
    void syntaxErrorHasThePositionSnakeYamlFound() {
        assertError("""
                name: t
                clients:
                  connections: 10
                 feed: {rate: 10/s}
                """, "s.yaml:4:2: not valid YAML: expected <block end>, but found '<block mapping start>' (while parsing a"
                + " block mapping at line 1, column 1), got 'feed: {rate: 10/s}'");
    }

    @Test
    void unclosedFlowMapping() {
        assertError("name: t\nfeed: {rate: 10/s\ntiming: {duration: 5s}\n",
                "s.yaml:3:7: not valid YAML: expected ',' or '}', but got : (while parsing a flow mapping at line 2,"
                        + " column 7), got 'timing: {duration: 5s}'");
    }

    @Test
    void tabIndentation() {
        assertError("name: t\nclients:\n\tconnections: 10\n",
                "s.yaml:3:1: not valid YAML: found character '\\t(TAB)' that cannot start any token. (Do not use"
                        + " \\t(TAB) for indentation) (while scanning for the next token), got 'connections: 10'");
    }

    @Test
    void twoDocuments() {
        assertError(MINIMAL + "---\nname: u\n",
                "s.yaml:5:1: not valid YAML: expected a single document in the stream (started at line 1, column 1),"
                        + " but found another document, got '---'");
    }

    @Test
    void controlCharacter() {
        assertError(MINIMAL + "x\u0001: 1\n",
                "s.yaml:5:2: not valid YAML: a character YAML does not allow, got U+0001; allowed: printable Unicode text");
    }

    @Test
    void emptyOrOnlyComments() {
        String message = "s.yaml:1:1: the scenario is empty, got no YAML document; allowed: a mapping with at least the"
                + " keys name, clients, feed, timing";
        assertError("", message);
        assertError("\n\n   \n", message);
        assertError("# nothing yet\n", message);
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(missing, STACKS));
        assertEquals(missing + ": no such file", e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void directoryListsTheScenariosInIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.yaml"), MINIMAL);
        Files.writeString(dir.resolve("a.yml"), MINIMAL);
        Files.writeString(dir.resolve("notes.txt"), "");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(dir, STACKS));
        assertEquals(dir + ": is a directory, not a scenario file; allowed: one of the files in it: a.yml, b.yaml",
                e.getMessage());
    }

    @Test
    void notUtf8(@TempDir Path dir) throws IOException {
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "name: t\ndescription: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(latin1, STACKS));
        assertEquals(latin1 + ":2:17: the file is not UTF-8 text, got the byte 0xE9; allowed: a UTF-8 text file",
                e.getMessage());
    }

    @Test
    void loadNamesTheFileAsGiven(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.yaml");
        Files.writeString(file, MINIMAL.replace("connections: 10", "connections: -3"));
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file, STACKS));
        assertTrue(e.getMessage().startsWith(file + ":2:24: clients.connections must be between 1 and 1000000, got -3;"),
                e.getMessage());
        Path ok = writeMinimal(dir);
        assertEquals(ok, ScenarioLoader.load(ok, STACKS).source());
    }

    private static Path writeMinimal(Path dir) throws IOException {
        return Files.writeString(dir.resolve("ok.yaml"), MINIMAL);
    }

    @Test
    void exceptionPartsAreAvailableApart() {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> parse(MINIMAL.replace("rate: 10/s", "rate: 10/s, paylod: 1KiB")));
        assertEquals("s.yaml", e.file());
        assertEquals(3, e.line());
        assertEquals(20, e.column());
        assertEquals("unknown key in feed", e.problem());
        assertEquals("'paylod'", e.got());
        assertEquals("topics, rate, payload, history", e.allowed());
        assertEquals("payload", e.suggestion());
        assertEquals(0, e.getStackTrace().length, "a user error has no stack trace to show");
    }
}
