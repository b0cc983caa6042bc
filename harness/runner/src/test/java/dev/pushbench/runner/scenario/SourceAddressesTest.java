package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pushbench.loadgen.ClientEngineKind;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code clients.sourceAddresses}: what a valid list and an absent key turn into, and every refusal with its exact text. */
class SourceAddressesTest {

    private static final String ALLOWED = "allowed: 1 to 254 distinct IPv4 addresses of this machine (all of 127.0.0.0/8"
            + " is local on Linux), e.g. [127.0.0.2, 127.0.0.3]; engine jetty takes one";

    private static Scenario parse(String clients) {
        return ScenarioLoader.parse("name: t\nclients: " + clients + "\nfeed: {rate: 10/s}\ntiming: {duration: 5s}\n",
                "s.yaml", Set.of("jetty", "vertx"));
    }

    private static void assertError(String clients, String message) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(clients));
        assertEquals(message, e.getMessage());
    }

    private static InetAddress ip(String text) {
        return ScenarioLoader.ipv4(text);
    }

    private static List<InetAddress> loopbacks(int n) {
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> ip("127.0.0." + i)).toList();
    }

    @Test
    void listedAddressesAreKeptInOrderAndUsedAsListed() {
        Scenario s = parse("{connections: 10, engine: nio, sourceAddresses: [127.0.0.3, 127.0.0.2]}");
        assertEquals(List.of(ip("127.0.0.3"), ip("127.0.0.2")), s.clients().sourceAddresses());
        assertEquals(List.of(ip("127.0.0.3"), ip("127.0.0.2")), s.clients().sourceAddressesFor(ip("127.0.0.1")));
        Scenario jetty = parse("{connections: 10, sourceAddresses: [127.0.0.2]}");
        assertEquals(List.of(ip("127.0.0.2")), jetty.clients().sourceAddressesFor(ip("127.0.0.1")));
    }

    @Test
    void absentTheNioEngineSpreadsOverOneLoopbackAddressPer6000Connections() {
        assertEquals(List.of(), parse("{connections: 19000, engine: nio}").clients().sourceAddresses());
        assertEquals(loopbacks(1), new Clients(10, 1000, 0, ClientEngineKind.NIO).sourceAddressesFor(ip("127.0.0.1")));
        assertEquals(loopbacks(1), new Clients(6000, 1000, 0, ClientEngineKind.NIO).sourceAddressesFor(ip("127.0.0.1")));
        assertEquals(loopbacks(2), new Clients(6001, 1000, 0, ClientEngineKind.NIO).sourceAddressesFor(ip("127.0.0.1")));
        assertEquals(loopbacks(4), new Clients(19000, 2500, 0, ClientEngineKind.NIO).sourceAddressesFor(ip("127.0.0.1")));
        assertEquals(167, new Clients(1_000_000, 2500, 0, ClientEngineKind.NIO).sourceAddressesFor(ip("127.0.0.1")).size());
    }

    @Test
    void absentTheKernelPicksForEngineJettyAndForARemoteServer() {
        assertEquals(List.of(), new Clients(19000, 2500, 0, ClientEngineKind.JETTY).sourceAddressesFor(ip("127.0.0.1")));
        assertEquals(List.of(), new Clients(19000, 2500, 0, ClientEngineKind.NIO).sourceAddressesFor(ip("192.0.2.10")));
    }

    @Test
    void engineJettyTakesOneAddressAndSaysWhichEngineTakesMore() {
        assertError("{connections: 10, engine: jetty, sourceAddresses: [127.0.0.2, 127.0.0.3]}",
                "s.yaml:2:60: clients.sourceAddresses lists 2 addresses, but engine jetty binds every connection to one"
                        + " (Jetty's HttpClient has a single bind address): list one, or use engine nio to spread connections"
                        + " over several, got a list; " + ALLOWED);
        assertThrows(IllegalArgumentException.class, () -> new Clients(10, 1000, 0, ClientEngineKind.JETTY, loopbacks(2)));
    }

    @Test
    void onlyIpv4AddressesWrittenAsFourNumbers() {
        assertError("{connections: 10, engine: nio, sourceAddresses: [localhost]}",
                "s.yaml:2:59: clients.sourceAddresses must list IPv4 addresses written as four numbers 0-255 (no host"
                        + " names: nothing is looked up), got localhost; " + ALLOWED);
        assertError("{connections: 10, engine: nio, sourceAddresses: [127.0.0.256]}",
                "s.yaml:2:59: clients.sourceAddresses must list IPv4 addresses written as four numbers 0-255 (no host"
                        + " names: nothing is looked up), got 127.0.0.256; " + ALLOWED);
        assertError("{connections: 10, engine: nio, sourceAddresses: ['::1']}",
                "s.yaml:2:59: clients.sourceAddresses must list IPv4 addresses written as four numbers 0-255 (no host"
                        + " names: nothing is looked up), got '::1'; " + ALLOWED);
        assertError("{connections: 10, engine: nio, sourceAddresses: [127.0.0.01]}",
                "s.yaml:2:59: clients.sourceAddresses must list IPv4 addresses written as four numbers 0-255 (no host"
                        + " names: nothing is looked up), got 127.0.0.01; " + ALLOWED);
    }

    @Test
    void aListOfDistinctAddressesOfThisMachine() {
        assertError("{connections: 10, engine: nio, sourceAddresses: 127.0.0.2}",
                "s.yaml:2:58: clients.sourceAddresses must be a list, e.g. [127.0.0.2, 127.0.0.3], got 127.0.0.2; " + ALLOWED);
        assertError("{connections: 10, engine: nio, sourceAddresses: []}",
                "s.yaml:2:58: clients.sourceAddresses must list at least one address; leave the key out for the default,"
                        + " got []; " + ALLOWED);
        assertError("{connections: 10, engine: nio, sourceAddresses: [127.0.0.2, 127.0.0.2]}",
                "s.yaml:2:70: clients.sourceAddresses lists 127.0.0.2 twice (first at line 2, column 59), got 127.0.0.2; "
                        + ALLOWED);
        assertError("{connections: 10, engine: nio, sourceAddresses: [0.0.0.0]}",
                "s.yaml:2:59: clients.sourceAddresses must list addresses of one interface, not a wildcard, multicast or"
                        + " broadcast address, got 0.0.0.0; " + ALLOWED);
        // TEST-NET-1 (RFC 5737): never an address of this machine
        assertError("{connections: 10, engine: nio, sourceAddresses: [127.0.0.2, 192.0.2.1]}",
                "s.yaml:2:70: clients.sourceAddresses must list addresses of this machine: binding a socket to 192.0.2.1"
                        + " failed (Cannot assign requested address), got 192.0.2.1; " + ALLOWED);
    }
}
