package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The cluster block: defaults, each key's positioned errors, what a cluster's run refuses, and the subscribers' split. */
class ClusterLoaderTest {
    private static final String BASE = """
            name: t
            clients: {connections: 200}
            feed: {topics: 10, rate: 10/s}
            timing: {duration: 5s}
            """;

    private static Scenario parse(String yaml) {
        return ScenarioLoader.parse(yaml, "s.yaml", Set.of("jetty", "vertx"));
    }

    /** BASE with a cluster block of these lines (each indented under it), the block at line 5. */
    private static String cluster(String... lines) {
        StringBuilder yaml = new StringBuilder(BASE).append("cluster:\n");
        for (String line : lines) {
            yaml.append("  ").append(line).append('\n');
        }
        return yaml.toString();
    }

    /** The error starts at {@code position} and says each of {@code what}. */
    private static ScenarioException assertErrorAt(String yaml, String position, String... what) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(yaml));
        assertTrue(e.getMessage().startsWith("s.yaml:" + position + ": "), e.getMessage());
        for (String w : what) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in " + e.getMessage());
        }
        return e;
    }

    // ---- values and defaults

    @Test
    void withoutAClusterBlockThereIsNoClusterSpec() {
        assertNull(parse(BASE).cluster());
    }

    @Test
    void theServerAloneTakesEveryDefault() {
        ClusterSpec c = parse(cluster("server: server-1")).cluster();
        assertEquals(new ClusterSpec(List.of(), "pushbench", "server-1", List.of(), null, List.of()), c);
        assertEquals(List.of(), c.members(), "the command line's --cluster gives them");
        assertEquals(ClusterSpec.DEFAULT_NAME, c.name());
    }

    @Test
    void everyKeyWritten() {
        ClusterSpec c = parse(cluster("members: [127.0.0.1:5701, 10.0.0.6:5702, agent-3.example.org:65535]",
                "name: suite_B.2", "server: server-1", "load: [load-1, load-2, load-3]", "loadAgents: 2",
                "split: [3, 1.5]")).cluster();
        assertEquals(List.of("127.0.0.1:5701", "10.0.0.6:5702", "agent-3.example.org:65535"), c.members());
        assertEquals("suite_B.2", c.name());
        assertEquals("server-1", c.server());
        assertEquals(List.of("load-1", "load-2", "load-3"), c.load());
        assertEquals(2, c.loadAgents());
        assertEquals(List.of(3.0, 1.5), c.split());
        assertEquals(List.of("load-1", "load-2"), c.loadAgentsAmong(List.of("server-1", "load-3", "load-2", "load-1")));
        assertArrayEquals(new int[] {133, 67}, c.split(200, 2));
    }

    @Test
    void anEmptyMemberListIsTheSameAsNone() {
        assertEquals(List.of(), parse(cluster("server: s", "members: []")).cluster().members());
    }

    @Test
    void theSplitsLengthSetsTheLoadAgentsWhenNothingElseDoes() {
        ClusterSpec c = parse(cluster("server: s", "split: [1, 1, 2]")).cluster();
        assertEquals(3, c.loadAgents());
        assertEquals(List.of("a", "b", "c"), c.loadAgentsAmong(List.of("s", "d", "c", "b", "a")));
        assertArrayEquals(new int[] {50, 50, 100}, c.split(200, 3));
    }

    @Test
    void loadAgentsAloneTakesTheFirstOtherAgentsByName() {
        ClusterSpec c = parse(cluster("server: s", "loadAgents: 2")).cluster();
        assertEquals(List.of("a", "b"), c.loadAgentsAmong(List.of("c", "s", "b", "a")));
        assertEquals(List.of(), c.load());
    }

    @Test
    void theClusterBlockSurvivesACapacityStep() {
        Scenario s = parse(cluster("server: s", "load: [l1, l2]"));
        assertEquals(s.cluster(), s.at(SearchSpec.Variable.CONNECTIONS, 400).cluster());
    }

    // ---- each key's errors

    @Test
    void theServerIsRequiredInTheBlock() {
        assertErrorAt(cluster("load: [l1]"), "5:1", "missing required key 'cluster.server'", "allowed: an agent's name");
        assertErrorAt(BASE + "cluster: {}\n", "5:1", "missing required key 'cluster.server'");
        assertErrorAt(BASE + "cluster:\n", "5:9", "cluster must be a mapping", "got nothing");
    }

    @Test
    void anAgentsNameIsLowerCaseAndShort() {
        ScenarioException e = assertErrorAt(cluster("server: Server 1"), "6:11", "cluster.server must name an agent",
                "got Server 1", "did you mean 'server-1'?");
        assertEquals("s.yaml:6:11: cluster.server must name an agent: lower-case letters, digits, dots, underscores and"
                + " dashes, starting with a letter or digit, got Server 1; allowed: an agent's name: lower-case letters,"
                + " digits, dots, underscores and dashes ([a-z0-9][a-z0-9._-]*), at most 40 characters, e.g. server-1;"
                + " did you mean 'server-1'?", e.getMessage());
        assertErrorAt(cluster("server: " + "s".repeat(41)), "6:11", "longer than 40 characters");
        assertErrorAt(cluster("server: -s"), "6:11", "must name an agent", "did you mean 's'?");
        assertErrorAt(cluster("server: [a]"), "6:11", "cluster.server must be a single value, not a list");
        assertErrorAt(cluster("server:"), "6:10", "cluster.server needs a value");
    }

    @Test
    void badMembersArePointedAt() {
        assertErrorAt(cluster("server: s", "members: 10.0.0.5:5701"), "7:12", "cluster.members must be a list");
        assertErrorAt(cluster("server: s", "members: [10.0.0.5]"), "7:13", "'10.0.0.5' must be host:port",
                "no port given", "allowed: host:port");
        assertErrorAt(cluster("server: s", "members: [10.0.0.5:0]"), "7:13", "a port that is not a number from 1 to 65535");
        assertErrorAt(cluster("server: s", "members: [10.0.0.5:65536]"), "7:13", "a port that is not a number");
        assertErrorAt(cluster("server: s", "members: [10.0.0.5:057]"), "7:13", "a port that is not a number");
        assertErrorAt(cluster("server: s", "members: [10.0.0.5:x]"), "7:13", "a port that is not a number");
        assertErrorAt(cluster("server: s", "members: [':5701']"), "7:13", "no host given");
        assertErrorAt(cluster("server: s", "members: [a:1, 10.0.0.256:5701]"), "7:18", "not an IPv4 address");
        assertErrorAt(cluster("server: s", "members: [010.0.0.1:5701]"), "7:13", "not an IPv4 address");
        assertErrorAt(cluster("server: s", "members: ['[::1]:5701']"), "7:13", "IPv6 is not supported");
        assertErrorAt(cluster("server: s", "members: [bad_host:5701]"), "7:13", "neither an IPv4 address nor a host name");
        assertErrorAt(cluster("server: s", "members: [-bad:5701]"), "7:13", "neither an IPv4 address nor a host name");
        assertErrorAt(cluster("server: s", "members: [host.123:5701]"), "7:13", "neither an IPv4 address nor a host name");
        assertErrorAt(cluster("server: s", "members: [1:30]"), "7:13", "not an IPv4 address");
        assertErrorAt(cluster("server: s", "members: [~]"), "7:13", "must list host:port addresses", "got nothing");
        assertErrorAt(cluster("server: s", "members: [{a: 1}]"), "7:13", "must list host:port addresses");
        assertErrorAt(cluster("server: s", "members: [Agent.example:5701, agent.EXAMPLE:5701]"), "7:33",
                "lists agent.EXAMPLE:5701 twice (first at line 7, column 13)");
        StringBuilder many = new StringBuilder("members: [");
        for (int i = 0; i <= ClusterSpec.MAX_MEMBERS; i++) {
            many.append(i == 0 ? "" : ", ").append("h").append(i).append(":5701");
        }
        assertErrorAt(cluster("server: s", many + "]"), "7:12", "more than 64 agents", "got 65");
    }

    @Test
    void theClustersNameIsCheckedAndMended() {
        assertErrorAt(cluster("server: s", "name: my cluster"), "7:9", "cluster.name must be letters",
                "did you mean 'my-cluster'?");
        assertErrorAt(cluster("server: s", "name: " + "n".repeat(65)), "7:9", "cluster.name must be letters");
        assertErrorAt(cluster("server: s", "name: ''"), "7:9", "cluster.name must be letters");
    }

    @Test
    void badLoadListsArePointedAt() {
        assertErrorAt(cluster("server: s", "load: l1"), "7:9", "cluster.load must be a list", "did you mean '[l1]'?");
        assertErrorAt(cluster("server: s", "load: []"), "7:9", "must name at least one agent; leave the key out");
        assertErrorAt(cluster("server: s", "load: [l1, s]"), "7:14", "names the serving agent (cluster.server)");
        assertErrorAt(cluster("server: s", "load: [l1, l2, l1]"), "7:18", "lists l1 twice (first at line 7, column 10)");
        assertErrorAt(cluster("server: s", "load: [l1, Load_2]"), "7:14", "cluster.load must name an agent",
                "did you mean 'load_2'?");
        assertErrorAt(cluster("server: s", "load: [l1, ~]"), "7:14", "must list agents' names");
    }

    @Test
    void loadAgentsIsAWholeNumberWithinTheLoadList() {
        assertErrorAt(cluster("server: s", "loadAgents: 0"), "7:15", "cluster.loadAgents must be between 1 and 64");
        assertErrorAt(cluster("server: s", "loadAgents: 65"), "7:15", "must be between 1 and 64");
        assertErrorAt(cluster("server: s", "loadAgents: two"), "7:15", "must be a whole number");
        assertErrorAt(cluster("server: s", "load: [l1, l2]", "loadAgents: 3"), "8:15",
                "must be at most the 2 agents cluster.load names", "did you mean '2'?");
    }

    @Test
    void theSplitGivesOneWeightAboveZeroPerLoadAgent() {
        assertErrorAt(cluster("server: s", "load: [l1, l2]", "split: [1, 1, 1]"), "8:10",
                "one weight per load agent (cluster.load names 2)", "got 3 weights");
        assertErrorAt(cluster("server: s", "load: [l1, l2]", "loadAgents: 1", "split: [1, 1]"), "9:10",
                "one weight per load agent (cluster.loadAgents is 1)", "got 2 weights");
        assertErrorAt(cluster("server: s", "loadAgents: 3", "split: [1]"), "8:10", "(cluster.loadAgents is 3)", "got 1 weight;");
        assertErrorAt(cluster("server: s", "split: [1, 0]"), "7:14", "weights must be above 0", "got 0");
        assertErrorAt(cluster("server: s", "split: [1, -2]"), "7:14", "weights must be above 0");
        assertErrorAt(cluster("server: s", "split: [1, 2000000]"), "7:14", "at most 1000000");
        assertErrorAt(cluster("server: s", "split: [1, .nan]"), "7:14", "must list plain numbers");
        assertErrorAt(cluster("server: s", "split: [1, '2']"), "7:14", "must list plain numbers", "got '2'");
        assertErrorAt(cluster("server: s", "split: [1, 50%]"), "7:14", "must list plain numbers");
        assertErrorAt(cluster("server: s", "split: []"), "7:10", "at least one weight; leave the key out for an even split");
        assertErrorAt(cluster("server: s", "split: 1"), "7:10", "must be a list of weights");
    }

    @Test
    void everyLoadAgentGetsASubscriber() {
        String few = BASE.replace("connections: 200", "connections: 1");
        assertErrorAt(few + "cluster: {server: s, loadAgents: 2}\n", "5:34",
                "load agent 2 gets none", "of the 1 (clients.connections), got shares [1, 0]; allowed: at most 1 load agents");
        assertErrorAt(few + "cluster: {server: s, load: [a, b]}\n", "5:28", "'b' gets none");
        assertErrorAt(cluster("server: s", "split: [1000, 1]"), "7:10", "load agent 2 gets none of the 200",
                "got shares [200, 0]; allowed: one weight above 0");
        // one subscriber for one load agent is enough
        assertEquals(1, parse(few + "cluster: {server: s, loadAgents: 1}\n").cluster().loadAgents());
    }

    // ---- what a cluster's run refuses

    @Test
    void aClusterRunRefusesWhatOnlyOneMachineCanDo() {
        String notSupported = "is not supported in a cluster's run";
        assertErrorAt(cluster("server: s") + "path: {proxy: [none, nginx]}\n", "7:15", "path.proxy " + notSupported,
                "got nginx", "allowed: none in a cluster's run; or remove the cluster block");
        assertErrorAt(cluster("server: s") + "network: {link: [loopback, 3g]}\n", "7:17", "network.link 3g " + notSupported,
                "got 3g", "allowed: none or loopback");
        // the figures alone make a custom link: the error points at one of them
        assertErrorAt(cluster("server: s") + "network:\n  up: 1Mbit/s\n  rtt: 50ms\n", "9:8", "network.link custom " + notSupported);
        assertErrorAt(cluster("server: s") + "faults: [{type: restart, at: 1s}]\n", "7:9", "faults " + notSupported,
                "got restart");
        assertErrorAt(cluster("server: s") + "publish: {rate: 1/s}\n", "7:10", "publish " + notSupported);
        assertErrorAt(cluster("server: s").replace("connections: 200", "connections: 200, cpuShare: 0.5"), "2:39",
                "clients.cpuShare below 1 " + notSupported, "got 0.5", "did you mean '1'?");
        assertErrorAt(cluster("server: s").replace("connections: 200", "connections: 200, sourceAddresses: [127.0.0.1]"),
                "2:46", "clients.sourceAddresses " + notSupported, "got 127.0.0.1");
        assertErrorAt(cluster("server: s") + "search: {variable: clients.connections, slo: {p99: 1s}}\n", "7:9",
                "search " + notSupported);
    }

    @Test
    void aClusterRunTakesWhatItCanCarry() {
        Scenario s = parse(cluster("server: s").replace("connections: 200", "connections: 200, cpuShare: 1")
                + "path: {proxy: none}\nnetwork: {link: [none, loopback]}\nfaults: []\n");
        assertEquals(List.of(NetworkLink.NONE, NetworkLink.LOOPBACK), s.matrix().links());
        // without the block, the same keys are fine
        assertEquals(List.of("nginx-push"), parse(BASE + "path: {proxy: nginx}\n").matrix().paths().stream()
                .map(NetworkPath::id).toList());
    }

    /** Any prefix of the demo preset parses or fails with a positioned message; nothing else escapes. */
    @Test
    void everyTruncationOfTheDemoFailsCleanly() throws Exception {
        String text = Files.readString(ScenarioFilesTest.repoRoot().resolve("benchmarks/scenarios/cluster/demo.yaml"));
        Pattern positioned = Pattern.compile("demo\\.yaml:\\d+:\\d+: \\S.*");
        int parsed = 0;
        for (int end = 0; end <= text.length(); end++) {
            try {
                ScenarioLoader.parse(text.substring(0, end), "demo.yaml", Set.of("jetty", "vertx"));
                parsed++;
            } catch (ScenarioException e) {
                assertTrue(positioned.matcher(e.getMessage()).matches(), "at " + end + ": " + e.getMessage());
            } catch (RuntimeException e) {
                fail("cut at character " + end + " escaped as " + e, e);
            }
        }
        assertTrue(parsed > 0, "the whole file parses");
    }

    // ---- the split

    @Test
    void anEvenSplitAddsUpAndDiffersByOneAtMost() {
        ClusterSpec even = new ClusterSpec(List.of(), null, "s", List.of(), null, List.of());
        assertArrayEquals(new int[] {9_500, 9_500}, even.split(19_000, 2));
        assertArrayEquals(new int[] {4, 3, 3}, even.split(10, 3));
        assertArrayEquals(new int[] {1, 1, 0}, even.split(2, 3));
        assertArrayEquals(new int[] {7}, even.split(7, 1));
        assertArrayEquals(new int[] {0, 0}, even.split(0, 2));
    }

    @Test
    void weightsSplitInProportionAndTheRemaindersGoToTheLargestFractions() {
        assertArrayEquals(new int[] {200, 100}, new ClusterSpec(List.of(), null, "s", List.of(), null, List.of(2.0, 1.0))
                .split(300, 2));
        // 100 × 1/7 = 14.29, × 2/7 = 28.57, × 4/7 = 57.14: floors 14 + 28 + 57 = 99, the one left to 28.57
        assertArrayEquals(new int[] {14, 29, 57}, new ClusterSpec(List.of(), null, "s", List.of(), null, List.of(1.0, 2.0, 4.0))
                .split(100, 3));
    }

    @Test
    void anySplitAddsUpToTheConnectionsEachShareWithinOneOfItsExactValue() {
        Random random = new Random(15);
        for (int round = 0; round < 2_000; round++) {
            int agents = 1 + random.nextInt(8);
            Double[] weights = new Double[agents];
            for (int i = 0; i < agents; i++) {
                weights[i] = random.nextBoolean() ? 1 + random.nextInt(5) : 0.001 + random.nextDouble() * 1000;
            }
            int connections = random.nextInt(100_000);
            ClusterSpec spec = new ClusterSpec(List.of(), null, "s", List.of(), null, Arrays.asList(weights));
            int[] counts = spec.split(connections, agents);
            double sum = Arrays.stream(weights).mapToDouble(Double::doubleValue).sum();
            assertEquals(connections, Arrays.stream(counts).sum(), Arrays.toString(weights) + " " + connections);
            for (int i = 0; i < agents; i++) {
                double exact = connections * weights[i] / sum;
                assertTrue(Math.abs(counts[i] - exact) < 1 + 1e-9, exact + " became " + counts[i]);
            }
        }
    }

    @Test
    void aSplitForAnotherNumberOfAgentsIsRefused() {
        ClusterSpec two = new ClusterSpec(List.of(), null, "s", List.of(), null, List.of(1.0, 2.0));
        assertThrows(IllegalArgumentException.class, () -> two.split(100, 3));
        assertThrows(IllegalArgumentException.class, () -> two.split(100, 0));
    }

    // ---- the spec on its own

    @Test
    void theSpecChecksWhatTheCommandLineGivesIt() {
        ClusterSpec c = new ClusterSpec(List.of(), null, "server-1", List.of("load-1"), null, List.of());
        assertEquals(List.of("10.0.0.5:5701"), c.withMembers(List.of("10.0.0.5:5701")).members());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.withMembers(List.of("10.0.0.5")));
        assertEquals("cluster.members: '10.0.0.5' must be host:port, e.g. 10.0.0.5:5701 (no port given)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.withMembers(List.of("a:1", "A:1")));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(List.of(), null, "Server", List.of(), null, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(List.of(), "a b", "s", List.of(), null, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(List.of(), null, "s", List.of("s"), null, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(List.of(), null, "s", List.of("a"), 2, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(List.of(), null, "s", List.of("a"), null,
                List.of(1.0, 1.0)));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(List.of(), null, "s", List.of(), null, List.of(0.0)));
        assertNull(ClusterSpec.memberProblem("localhost:5701"));
        assertNull(ClusterSpec.memberProblem("255.255.255.255:1"));
    }

    @Test
    void choosingLoadAgentsSaysWhoIsMissing() {
        ClusterSpec named = new ClusterSpec(List.of(), null, "s", List.of("l1", "l2"), null, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> named.loadAgentsAmong(List.of("s", "l1")));
        assertEquals("load agent l2 of cluster.load is not in the cluster; its agents: l1, s", e.getMessage());
        ClusterSpec three = new ClusterSpec(List.of(), null, "s", List.of(), 3, List.of());
        e = assertThrows(IllegalArgumentException.class, () -> three.loadAgentsAmong(List.of("s", "a", "b")));
        assertTrue(e.getMessage().startsWith("the cluster has 2 agents besides the server (s) to generate the load, and 3"
                + " are needed"), e.getMessage());
        ClusterSpec every = new ClusterSpec(List.of(), null, "s", List.of(), null, List.of());
        assertEquals(List.of("a", "b"), every.loadAgentsAmong(Set.of("b", "s", "a")));
        assertThrows(IllegalArgumentException.class, () -> every.loadAgentsAmong(List.of("s")));
    }
}
