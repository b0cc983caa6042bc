package dev.pushbench.micro;

import dev.pushbench.core.Event;
import dev.pushbench.core.EventFeed;
import dev.pushbench.core.EventFields;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.PollAnswer;
import dev.pushbench.core.ServerCounters;
import dev.pushbench.loadgen.PollAnswerReader;
import dev.pushbench.client.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What does the load generator spend to read one received event (its {@code seq}, {@code intended}
 * and {@code sent} times) out of each transport's bytes, against one pass over those bytes? Scores
 * are nanoseconds per event; this is the receive path that runs once per delivered event.
 *
 * <ul>
 *   <li>{@code sse}: {@link SseParser#feed} of one SSE frame, whose listener checks the event type
 *       and runs {@link EventFields#parse} on the data, as {@code SseSubscriber} does.</li>
 *   <li>{@code webSocket}: decoding an RFC 6455 text frame's header, decoding the payload to a
 *       String (the Jetty client hands text frames over as Strings), then
 *       {@link EventFields#parse(CharSequence)}, as {@code WebSocketSubscriber} does.</li>
 *   <li>{@code pollAnswer}: {@link PollAnswerReader} over an answer of {@value #BATCH_EVENTS}
 *       events, per event, as {@code PollingSubscriber} does.</li>
 *   <li>{@code baselineLoop}: counting the line feeds in one SSE frame, byte by byte: the floor for
 *       any parser that looks at every byte.</li>
 * </ul>
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -DskipTests -pl benchmarks/micro -am package}):
 * <pre>
 *   java -jar benchmarks/micro/target/benchmarks.jar ParseBenchmark
 *   java -jar benchmarks/micro/target/benchmarks.jar ParseBenchmark -p payloadBytes=64 -prof gc
 * </pre>
 * {@code -prof gc} shows what each path allocates per event ({@code gc.alloc.rate.norm}); the SSE
 * and polling paths should allocate nothing, the WebSocket path allocates its String.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ParseBenchmark {
    /** Events in one poll answer, as in {@link EncodeBenchmark}. */
    public static final int BATCH_EVENTS = EncodeBenchmark.BATCH_EVENTS;

    private static final long SEQ = 123_456;

    @Param({"64", "1024", "16384"})
    public int payloadBytes;

    private byte[] sseFrame;
    private byte[] webSocketFrame;
    private byte[] pollAnswer;

    private final EventFields sseFields = new EventFields();
    private SseParser sseParser;
    /** The seq the SSE listener read last; -1 when the event was not a pushbench event. */
    private long sseSeq;

    private final WebSocketFrames.Header webSocketHeader = new WebSocketFrames.Header();
    private final EventFields webSocketFields = new EventFields();

    private final PollAnswerReader pollReader = new PollAnswerReader();

    @Setup
    public void setUp() {
        Event event = Event.encode(0, SEQ, 987_654_321_012_345L, 987_654_321_054_321L, payloadBytes);
        sseFrame = event.sseFrame().clone();
        webSocketFrame = WebSocketFrames.text(event.sseFrame(), event.jsonOffset(), event.jsonLength());
        try (EventFeed feed = new EventFeed(new FeedSpec(1, 1, payloadBytes, 16))) {
            for (long s = 1; s <= BATCH_EVENTS; s++) {
                feed.publish(0, s, System.nanoTime());
            }
            pollAnswer = PollAnswer.build(feed.ring(0), 0, 0, BATCH_EVENTS, new ServerCounters());
        }
        sseParser = new SseParser(parsed -> sseSeq = parsed.eventTypeIs(Event.SSE_EVENT_NAME)
                && sseFields.parse(parsed.data(), 0, parsed.dataLength()) ? sseFields.seq() : -1);

        // a benchmark of a path that fails early would measure nothing: check that each one reads the event
        requireSeq("sse", readSse(), SEQ);
        requireSeq("webSocket", readWebSocket(), SEQ);
        long lastSeq = -1;
        if (pollReader.open(pollAnswer, pollAnswer.length)) {
            while (pollReader.next()) {
                lastSeq = pollReader.event().seq();
            }
        }
        requireSeq("pollAnswer", lastSeq, BATCH_EVENTS);
    }

    private static void requireSeq(String path, long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException(path + " read seq " + got + ", expected " + expected);
        }
    }

    @Benchmark
    public void baselineLoop(Blackhole bh) {
        byte[] bytes = sseFrame;
        int lineFeeds = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lineFeeds++;
            }
        }
        bh.consume(lineFeeds);
    }

    @Benchmark
    public void sse(Blackhole bh) {
        bh.consume(readSse());
        bh.consume(sseFields.intendedNanos());
    }

    private long readSse() {
        sseParser.feed(sseFrame, 0, sseFrame.length);
        return sseSeq;
    }

    @Benchmark
    public void webSocket(Blackhole bh) {
        bh.consume(readWebSocket());
        bh.consume(webSocketFields.intendedNanos());
    }

    private long readWebSocket() {
        if (!webSocketHeader.decode(webSocketFrame, 0, webSocketFrame.length)) {
            return -1;
        }
        String text = new String(webSocketFrame, webSocketHeader.payloadOffset(), webSocketHeader.payloadLength(),
                StandardCharsets.UTF_8);
        return webSocketFields.parse(text) ? webSocketFields.seq() : -1;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_EVENTS)
    public void pollAnswer(Blackhole bh) {
        if (pollReader.open(pollAnswer, pollAnswer.length)) {
            while (pollReader.next()) {
                bh.consume(pollReader.event().seq());
                bh.consume(pollReader.event().intendedNanos());
            }
            bh.consume(pollReader.cursor());
        }
    }
}
