package dev.pushbench.runner.cli;

import dev.pushbench.loadgen.LoadGenerator;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.run.ChildSpecs;
import dev.pushbench.runner.run.Json;
import dev.pushbench.core.ProcessStats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pushbench load}: the load generator for one cell, in its own JVM. Prints JSON lines
 * ({@code phase}, {@code progress}, and last {@code result}); stops early, still printing a result,
 * when its standard input ends or says {@code stop}.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Run the load of one cell against a running server and print what it measured (JSON lines).",
                "Usually started by 'pushbench run'; by hand: pushbench load --config load.json"})
final class LoadCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "load.json written by 'pushbench run'")
    Path config;

    @Option(names = "--await-config", description = "start the JVM now, read {\"cmd\":\"go\",\"config\":FILE} from standard input later"
            + " (the runner starts the load generator while the server starts, to save a JVM start per cell)")
    boolean awaitConfig;

    @Override
    public Integer call() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path file = config;
        if (awaitConfig) {
            String go = in.readLine();
            if (go == null) {
                return Cli.OK; // the runner did not need us (the cell ended before its load)
            }
            file = Path.of(Json.stringOf(Json.parse(go), "config"));
        } else if (file == null) {
            throw new BadInputException("pushbench load needs --config FILE (or --await-config)");
        }
        LoadSpec spec = ChildSpecs.loadFromJson(Cli.readJsonFile(file));
        ProcessStats stats = new ProcessStats();
        Semaphore next = new Semaphore(0);
        Semaphore ramp = new Semaphore(0);
        Thread watcher = new Thread(() -> {
            // "next" releases a memory point; "stop" or the end of input (the runner is gone) ends the JVM
            try (in) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("\"next\"")) {
                        next.release();
                    } else if (line.contains("\"ramp\"")) {
                        ramp.release();
                    } else if (line.contains("\"stop\"")) {
                        break;
                    }
                }
            } catch (Exception ignored) {
                // input closed
            }
            Runtime.getRuntime().halt(3);
        }, "pushbench-stdin");
        watcher.setDaemon(true);
        watcher.start();
        boolean runnerAttached = awaitConfig;
        LoadGenerator.Coordinator coordinator = new LoadGenerator.Coordinator() {
            @Override
            public void memoryPoint(long connections, Map<String, Object> loadgenStats) throws InterruptedException {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("event", "memory-point");
                point.put("connections", connections);
                point.put("process", loadgenStats);
                out.println(Json.line(point));
                if (!next.tryAcquire(60, TimeUnit.SECONDS)) {
                    System.err.println("pushbench load: the runner did not answer a memory point within 60 s; going on");
                }
            }

            @Override
            public void readyToRamp() throws InterruptedException {
                out.println(Json.line(Map.of("event", "ready")));
                // started by the runner, which verifies the server meanwhile: wait for its word
                if (runnerAttached && !ramp.tryAcquire(120, TimeUnit.SECONDS)) {
                    System.err.println("pushbench load: the runner did not say 'ramp' within 120 s; going on");
                }
            }
        };
        Map<String, Object> result = new LoadGenerator(spec, progress -> out.println(Json.line(progress)), coordinator).run();
        result.put("process", stats.read(false));
        out.println(Json.line(result));
        return 0;
    }
}
