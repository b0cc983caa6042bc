package dev.pushbench.micro;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.TopicListener;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How long does the feed's publishing thread spend to publish one event to a topic with N stream
 * subscribers? Scores are nanoseconds per published event (divide by N for the cost per subscriber).
 *
 * <ul>
 *   <li>{@code publish}: {@link EventFeed#publish} on a topic with {@code subscribers} registered
 *       {@link TopicListener}s, each doing what an {@code Outbox}'s signal does on the publishing
 *       thread: one {@code AtomicInteger} increment (its hand-off to an executor, taken only when
 *       the outbox was idle, is not included).</li>
 *   <li>{@code baselineNoSubscribers}: the same publish on a topic nobody subscribes to: encoding
 *       the event, appending it to history and recording publisher lag. {@code publish} minus this
 *       is the fan-out.</li>
 * </ul>
 *
 * <p>The payload is 256 B (the {@code quick} and {@code job-progress} presets); each listener has
 * its own counter, as each outbox has its own, so 10000 subscribers touch 10000 cache lines.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -DskipTests -pl benchmarks/micro -am package}):
 * <pre>
 *   java -jar benchmarks/micro/target/benchmarks.jar FanOutBenchmark
 *   java -jar benchmarks/micro/target/benchmarks.jar FanOutBenchmark -p subscribers=10000 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FanOutBenchmark {
    static final int PAYLOAD_BYTES = 256;

    /** A feed whose topic 0 has {@code subscribers} listeners. */
    @State(Scope.Thread)
    public static class Subscribed {
        @Param({"1", "100", "10000"})
        public int subscribers;

        EventFeed feed;
        AtomicInteger[] signals;
        long seq;

        @Setup
        public void setUp() {
            feed = newFeed();
            signals = new AtomicInteger[subscribers];
            for (int i = 0; i < subscribers; i++) {
                AtomicInteger signal = new AtomicInteger();
                signals[i] = signal;
                feed.subscribe(0, event -> signal.getAndIncrement());
            }
            feed.publish(0, ++seq, System.nanoTime());
            for (AtomicInteger signal : signals) {
                if (signal.get() != 1) {
                    throw new IllegalStateException("a listener was told " + signal.get() + " times of one event");
                }
            }
        }

        @TearDown
        public void tearDown() {
            feed.close();
        }
    }

    /** A feed nobody subscribes to. */
    @State(Scope.Thread)
    public static class Unsubscribed {
        EventFeed feed;
        long seq;

        @Setup
        public void setUp() {
            feed = newFeed();
        }

        @TearDown
        public void tearDown() {
            feed.close();
        }
    }

    static EventFeed newFeed() {
        return new EventFeed(new FeedSpec(1, 1, PAYLOAD_BYTES, 1024));
    }

    @Benchmark
    public void baselineNoSubscribers(Unsubscribed state, Blackhole bh) {
        state.feed.publish(0, ++state.seq, System.nanoTime());
        bh.consume(state.seq);
    }

    @Benchmark
    public void publish(Subscribed state, Blackhole bh) {
        state.feed.publish(0, ++state.seq, System.nanoTime());
        bh.consume(state.seq);
    }
}
