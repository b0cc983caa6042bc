package dev.pushbench.runner.cli;

import dev.pushbench.loadgen.LoadGenerator;
import dev.pushbench.loadgen.LoadSpec;
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

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "load.json written by 'pushbench run'")
    Path config;

    @Override
    public Integer call() throws Exception {
        LoadSpec spec = ChildSpecs.loadFromJson(Cli.readJsonFile(config));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ProcessStats stats = new ProcessStats();
        Semaphore next = new Semaphore(0);
        Thread watcher = new Thread(() -> {
            // "next" releases a memory point; "stop" or the end of input (the runner is gone) ends the JVM
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("\"next\"")) {
                        next.release();
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
        LoadGenerator.Coordinator coordinator = (connections, loadgenStats) -> {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("event", "memory-point");
            point.put("connections", connections);
            point.put("process", loadgenStats);
            out.println(Json.line(point));
            if (!next.tryAcquire(60, TimeUnit.SECONDS)) {
                System.err.println("pushbench load: the runner did not answer a memory point within 60 s; going on");
            }
        };
        Map<String, Object> result = new LoadGenerator(spec, progress -> out.println(Json.line(progress)), coordinator).run();
        result.put("process", stats.read(false));
        out.println(Json.line(result));
        return 0;
    }
}
