package dev.pushbench.runner.cli;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.HistogramSummary;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pushbench serve}: one stack serving one cell, in its own JVM, so that its CPU and memory are
 * its own. Talks JSON lines: prints {@code listening} (port, t0, and for {@code https1.1} and
 * {@code h2} the {@code certificatePem} made at start, which the load generator and the verify step
 * trust; the key never leaves this process), then answers {@code stats}, {@code clock} and
 * {@code stop} read from standard input; ends when input ends.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve one cell: a server stack and the event feed, controlled over stdin/stdout (JSON lines).",
                "Usually started by 'pushbench run'; by hand: pushbench serve --config server.json"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "server.json written by 'pushbench run'")
    Path config;

    @Override
    public Integer call() throws Exception {
        ChildSpecs.Serve serve = ChildSpecs.serveFromJson(Cli.readJsonFile(config));
        ServerStack stack = ServerStack.named(serve.stack());
        ServerConfig config = serve.server().withTls();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (EventFeed feed = new EventFeed(serve.feed());
             PushContext context = new PushContext(feed, config);
             PushServer server = stack.start(context)) {
            ProcessStats stats = new ProcessStats();
            long t0 = System.nanoTime();
            feed.start(t0);
            Map<String, Object> listening = new LinkedHashMap<>();
            listening.put("event", "listening");
            listening.put("port", server.port());
            listening.put("t0Nanos", t0);
            listening.put("pid", ProcessHandle.current().pid());
            listening.put("stack", stack.id());
            listening.put("description", stack.description());
            listening.put("certificatePem", config.tls() == null ? null : config.tls().certificatePem());
            out.println(Json.line(listening));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                Map<String, Object> command = Json.parse(line);
                String cmd = String.valueOf(command.get("cmd"));
                Map<String, Object> reply = new LinkedHashMap<>();
                switch (cmd) {
                    case "clock":
                        reply.put("event", "clock");
                        reply.put("nanoTime", System.nanoTime());
                        break;
                    case "stats":
                        boolean gc = Boolean.TRUE.equals(command.get("gc"));
                        reply.put("event", "stats");
                        reply.put("nanoTime", System.nanoTime());
                        reply.put("process", stats.read(gc));
                        reply.put("counters", context.counters().snapshot());
                        reply.put("published", feed.publishedCount());
                        if (gc) {
                            // for a memory reading: it scans every topic's history, which the
                            // reads at the window's edges and the settle polls should not pay for
                            reply.put("historyBytes", feed.historyBytes());
                        }
                        reply.put("listenerFailures", feed.listenerFailures());
                        reply.put("publisherLagMicros", HistogramSummary.ofNanos(feed.publisherLag()).toMap());
                        break;
                    case "stop":
                        return 0;
                    default:
                        reply.put("event", "error");
                        reply.put("message", "unknown command '" + cmd + "', known: clock, stats, stop");
                }
                out.println(Json.line(reply));
            }
            return 0;
        }
    }
}
