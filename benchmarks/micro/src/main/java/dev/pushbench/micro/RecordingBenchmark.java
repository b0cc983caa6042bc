package dev.pushbench.micro;

import dev.pushbench.loadgen.Recorders;
import dev.pushbench.loadgen.Recorders.Metric;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What does recording one latency cost the load generator, in its own configuration, against a
 * plain HdrHistogram and against not recording at all? Scores are nanoseconds per recorded value.
 *
 * <ul>
 *   <li>{@code recorders}: {@link Recorders#record} — the load generator's path: clamping, a
 *       {@code ThreadLocal} lookup of the thread's {@code SingleWriterRecorder}s (1 µs … 60 s,
 *       3 significant digits) and its wait-free {@code recordValue}.</li>
 *   <li>{@code histogram}: {@link Histogram#recordValue} on a plain histogram of the same range and
 *       precision: what the recorder's thread-safety and the lookup add.</li>
 *   <li>{@code baseline}: taking the next value and sinking it, without recording.</li>
 * </ul>
 *
 * <p>Values are latencies spread log-uniformly from 10 µs to 100 ms (seeded), so that recording
 * touches many buckets, as real latencies do. The load generator records two values per delivered
 * event (latency and latency-actual): "recording costs at most 1 % of the generator's CPU" holds
 * while 2 × ({@code recorders} − {@code baseline}) stays under 1 % of the CPU time spent per
 * delivered event (compare with {@link ParseBenchmark}, a small part of that time).
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -DskipTests -pl benchmarks/micro -am package}):
 * <pre>
 *   java -jar benchmarks/micro/target/benchmarks.jar RecordingBenchmark
 *   java -jar benchmarks/micro/target/benchmarks.jar RecordingBenchmark -prof gc
 * </pre>
 * {@code -prof gc} should show no allocation per recorded value.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class RecordingBenchmark {
    private static final int VALUES = 4096;
    private static final long LOWEST_NANOS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final long[] latencyNanos = new long[VALUES];
    private int next;
    private Recorders recorders;
    private Histogram histogram;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        double low = Math.log(TimeUnit.MICROSECONDS.toNanos(10));
        double high = Math.log(TimeUnit.MILLISECONDS.toNanos(100));
        for (int i = 0; i < VALUES; i++) {
            latencyNanos[i] = (long) Math.exp(low + random.nextDouble() * (high - low));
        }
        recorders = new Recorders();
        // the same configuration as the load generator's recorders
        histogram = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, 3);
    }

    private long nextValue() {
        int i = next;
        next = (i + 1) & (VALUES - 1);
        return latencyNanos[i];
    }

    @Benchmark
    public void baseline(Blackhole bh) {
        bh.consume(nextValue());
    }

    // recording writes into a histogram this state holds, so the JIT cannot drop it: nothing to sink
    @Benchmark
    public void recorders() {
        recorders.record(Metric.LATENCY, nextValue());
    }

    @Benchmark
    public void histogram() {
        histogram.recordValue(nextValue());
    }
}
