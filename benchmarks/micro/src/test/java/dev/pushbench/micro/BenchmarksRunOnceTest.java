package dev.pushbench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Every benchmark method runs once, for every parameter value, through JMH itself (in this JVM):
 * the generated benchmark list is complete, the setups' own checks pass (each parser reads the
 * event, each listener is told once), and nothing throws. It measures nothing.
 */
class BenchmarksRunOnceTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyBenchmarkRunsOnceForEveryParameter() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("^" + java.util.regex.Pattern.quote(BenchmarksRunOnceTest.class.getPackageName()) + "\\.")
                .mode(Mode.SingleShotTime)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        TreeSet<String> ran = new TreeSet<>();
        for (RunResult r : results) {
            String params = r.getParams().getParamsKeys().stream()
                    .map(k -> k + "=" + r.getParams().getParam(k))
                    .reduce((a, b) -> a + "," + b).map(p -> "(" + p + ")").orElse("");
            ran.add(r.getParams().getBenchmark().replace("dev.pushbench.micro.", "") + params);
            assertTrue(Double.isFinite(r.getPrimaryResult().getScore()), () -> r.getParams().getBenchmark() + " has no score");
        }
        TreeSet<String> expected = new TreeSet<>();
        for (String payload : new String[] {"64", "1024", "16384"}) {
            for (String method : new String[] {"baselineCopy", "sseFrame", "webSocketFrame", "pollAnswer"}) {
                expected.add("EncodeBenchmark." + method + "(payloadBytes=" + payload + ")");
            }
            for (String method : new String[] {"baselineLoop", "sse", "webSocket", "pollAnswer"}) {
                expected.add("ParseBenchmark." + method + "(payloadBytes=" + payload + ")");
            }
        }
        for (String method : new String[] {"baseline", "recorders", "histogram"}) {
            expected.add("RecordingBenchmark." + method);
        }
        expected.add("FanOutBenchmark.baselineNoSubscribers");
        for (String n : new String[] {"1", "100", "10000"}) {
            expected.add("FanOutBenchmark.publish(subscribers=" + n + ")");
        }
        assertEquals(String.join("\n", expected), String.join("\n", ran));
    }
}
