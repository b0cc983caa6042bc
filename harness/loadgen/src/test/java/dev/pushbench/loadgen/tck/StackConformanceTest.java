package dev.pushbench.loadgen.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.loadgen.verify.Check;
import dev.pushbench.loadgen.verify.CheckResult;
import dev.pushbench.loadgen.verify.Conformance;
import dev.pushbench.loadgen.verify.ConformanceLevel;
import dev.pushbench.loadgen.verify.ConformanceTarget;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite every server stack passes (DESIGN §6): each {@link Conformance} check, quick
 * and full, over every {@link Protocol}, one test per (protocol, check) so that a failure names its
 * cell. A stack's module runs it by extending this class:
 *
 * <pre>
 *   class JettyConformanceTest extends StackConformanceTest {
 *       &#64;Override protected ServerStack stack() { return new JettyStack(); }
 *   }
 * </pre>
 *
 * <p>Over {@code https1.1} and {@code h2} the server gets a certificate made at run time
 * ({@link ServerConfig#defaults}) and the checks' clients trust exactly that certificate.
 *
 * <p>Per protocol it starts the stack twice: once on a fast feed ({@link #FEED}: 20 events/s per
 * topic, a 16-event history that overflows within a second, a heartbeat interval shorter than the gap
 * between events and a hold shorter than that gap, so that every full check applies), and once on a
 * feed that never publishes, against which the quick level must still pass. A check the stack
 * declares {@link ServerStack#unsupported unsupported} is reported aborted with the stack's reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
public abstract class StackConformanceTest {
    /** 2 topics, 20 events/s each, 64-byte payloads, 16 events of history. */
    protected static final FeedSpec FEED = new FeedSpec(2, 20, 64, 16);
    /** Shorter than the 50 ms between events, so idle gaps get heartbeats. */
    protected static final Duration HEARTBEAT = Duration.ofMillis(20);
    /** Shorter than the gap between events (so polls can end empty), long enough to catch one about half the time. */
    protected static final Duration HOLD = Duration.ofMillis(25);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<Protocol, Conformance> busy = new EnumMap<>(Protocol.class);
    private final Map<Protocol, ConformanceTarget> idle = new EnumMap<>(Protocol.class);

    /** The stack under test; a new instance each call is fine. */
    protected abstract ServerStack stack();

    /** The configuration each cell's server gets: the TCK's heartbeat and hold. */
    protected ServerConfig config(Protocol protocol) {
        return ServerConfig.defaults(protocol).withHeartbeat(HEARTBEAT).withLongPollHold(HOLD);
    }

    @BeforeAll
    void startServers() throws Exception {
        EventFeed busyFeed = new EventFeed(FEED);
        EventFeed idleFeed = new EventFeed(FEED);
        resources.add(busyFeed);
        resources.add(idleFeed);
        for (Protocol protocol : Protocol.values()) {
            if (stack().unsupported(dev.pushbench.core.Transport.SSE, protocol).isPresent()) {
                continue; // the stack serves nothing over this protocol: its cells are skipped, naming the reason
            }
            busy.put(protocol, Conformance.open(start(busyFeed, protocol)));
            resources.add(busy.get(protocol));
            idle.put(protocol, start(idleFeed, protocol));
        }
        busyFeed.start(System.nanoTime());
    }

    private ConformanceTarget start(EventFeed feed, Protocol protocol) throws Exception {
        ServerConfig config = config(protocol).withTls();
        PushContext context = new PushContext(feed, config);
        resources.add(context);
        PushServer server = stack().start(context);
        resources.add(server);
        return new ConformanceTarget(URI.create(protocol.scheme() + "://" + config.host() + ":" + server.port()), protocol, FEED,
                config.heartbeatInterval(), config.longPollHold(), config.tls() == null ? null : config.tls().certificatePem(),
                config.maxPublishBytes());
    }

    @AfterAll
    void stopServers() throws Exception {
        // newest first: clients, then servers, then contexts and feeds
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private void assumeServed(Protocol protocol) {
        Assumptions.assumeTrue(busy.containsKey(protocol), () -> "the stack does not serve " + protocol + ": "
                + stack().unsupported(dev.pushbench.core.Transport.SSE, protocol).orElse(""));
    }

    Stream<Arguments> cells() {
        return Stream.of(Protocol.values())
                .flatMap(protocol -> Conformance.checks(ConformanceLevel.FULL).stream().map(check -> Arguments.of(protocol, check)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cells")
    void check(Protocol protocol, Check check) throws Exception {
        assumeServed(protocol);
        if (check.transport() != null) {
            Optional<String> unsupported = stack().unsupported(check.transport(), protocol);
            Assumptions.assumeTrue(unsupported.isEmpty(), () -> "the stack does not serve " + check.transport() + " over "
                    + protocol + ": " + unsupported.orElse(""));
        }
        CheckResult result = busy.get(protocol).run(check);
        // a check that does not apply over this protocol (h2c's prior knowledge over http1.1) says so and is aborted
        Assumptions.assumeFalse(result.outcome() == CheckResult.Outcome.SKIP, result::toString);
        assertEquals(CheckResult.Outcome.PASS, result.outcome(), result::toString);
    }

    @ParameterizedTest(name = "{0} quick level before the feed publishes")
    @EnumSource(Protocol.class)
    void quickLevelNeedsNoEvents(Protocol protocol) throws Exception {
        assumeServed(protocol);
        List<CheckResult> results = Conformance.run(idle.get(protocol), ConformanceLevel.QUICK);
        String failures = results.stream()
                .filter(CheckResult::failed)
                .filter(r -> r.check().transport() == null || stack().unsupported(r.check().transport(), protocol).isEmpty())
                .map(CheckResult::toString)
                .collect(Collectors.joining("\n"));
        assertTrue(failures.isEmpty(), failures);
        assertEquals(Conformance.checks(ConformanceLevel.QUICK).size(), results.size(), "every quick check ran");
    }
}
