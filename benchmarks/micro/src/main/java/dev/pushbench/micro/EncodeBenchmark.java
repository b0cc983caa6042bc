package dev.pushbench.micro;

import dev.pushbench.core.Event;
import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.PollAnswer;
import dev.pushbench.core.ServerCounters;
import dev.pushbench.core.TopicRing;
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
 * What does the server spend to turn one event into the bytes it writes, per transport, against
 * copying that many bytes? Scores are nanoseconds per event.
 *
 * <ul>
 *   <li>{@code sseFrame}: {@link Event#encode} — the JSON and the SSE frame around it in one array.
 *       The feed runs it once per event; SSE subscribers all write that same array, and WebSocket and
 *       polling start from its JSON slice, so it is the encoding every transport pays once.</li>
 *   <li>{@code webSocketFrame}: an RFC 6455 text frame (header + JSON payload) built from an encoded
 *       event: what is done per subscriber per event. (Jetty's {@code sendText(String)} additionally
 *       encodes the String to UTF-8 per send and gathers header and payload without this copy.)</li>
 *   <li>{@code pollAnswer}: {@link PollAnswer#build} of an answer holding {@value #BATCH_EVENTS}
 *       encoded events, per event: what a poll does per subscriber.</li>
 *   <li>{@code baselineCopy}: allocating and copying one event's SSE frame bytes
 *       ({@code System.arraycopy}), the floor for anything that produces those bytes.</li>
 * </ul>
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -DskipTests -pl benchmarks/micro -am package}):
 * <pre>
 *   java -jar benchmarks/micro/target/benchmarks.jar EncodeBenchmark
 *   java -jar benchmarks/micro/target/benchmarks.jar EncodeBenchmark -p payloadBytes=1024 -prof gc
 * </pre>
 * {@code -prof gc} adds {@code gc.alloc.rate.norm}: bytes allocated per event.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class EncodeBenchmark {
    /** Events in one poll answer: a poll that finds a small backlog. */
    public static final int BATCH_EVENTS = 10;

    @Param({"64", "1024", "16384"})
    public int payloadBytes;

    // fields, not constants, so that the JIT cannot fold the encoding
    private int topic = 0;
    private long seq = 123_456;
    private long intendedNanos = 987_654_321_012_345L;
    private long sentNanos = 987_654_321_054_321L;

    private Event event;
    private byte[] frameSource;
    private TopicRing ring;
    private ServerCounters counters;

    @Setup
    public void setUp() {
        event = Event.encode(topic, seq, intendedNanos, sentNanos, payloadBytes);
        frameSource = event.sseFrame().clone();
        FeedSpec spec = new FeedSpec(1, 1, payloadBytes, 16);
        try (EventFeed feed = new EventFeed(spec)) {
            for (long s = 1; s <= BATCH_EVENTS; s++) {
                feed.publish(0, s, System.nanoTime());
            }
            ring = feed.ring(0);
        }
        counters = new ServerCounters();
        byte[] answer = PollAnswer.build(ring, 0, 0, BATCH_EVENTS, counters);
        if (answer.length < BATCH_EVENTS * payloadBytes) {
            throw new IllegalStateException("poll answer holds " + answer.length + " bytes, expected "
                    + BATCH_EVENTS + " events of " + payloadBytes + "B payload");
        }
    }

    @Benchmark
    public void baselineCopy(Blackhole bh) {
        byte[] copy = new byte[frameSource.length];
        System.arraycopy(frameSource, 0, copy, 0, frameSource.length);
        bh.consume(copy);
    }

    @Benchmark
    public void sseFrame(Blackhole bh) {
        bh.consume(Event.encode(topic, seq, intendedNanos, sentNanos, payloadBytes).sseFrame());
    }

    @Benchmark
    public void webSocketFrame(Blackhole bh) {
        bh.consume(WebSocketFrames.text(event.sseFrame(), event.jsonOffset(), event.jsonLength()));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_EVENTS)
    public void pollAnswer(Blackhole bh) {
        bh.consume(PollAnswer.build(ring, 0, 0, BATCH_EVENTS, counters));
    }
}
