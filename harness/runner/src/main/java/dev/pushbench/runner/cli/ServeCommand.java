package dev.pushbench.runner.cli;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.ProcessStats;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.SubscribeMeter;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.control.LineChannel;
import dev.pushbench.model.result.HistogramSummary;
import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.run.ChildSpecs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pushbench serve}: one stack serving one cell, in its own JVM, so that its CPU and memory are
 * its own. Talks {@link ControlMessage}s over standard input and output: says {@code listening}
 * (port, t0, and for {@code https1.1} and {@code h2} the {@code certificatePem} made at start, which
 * the load generator and the verify step trust; the key never leaves this process), then answers
 * {@code get-stats}, {@code get-clock} and {@code get-subscribe-rates} until {@code stop} or the end of its input.
 *
 * <p>On {@code stop} it closes its server (its clients see their connections end) and exits. The runner may
 * then start another on the same port with the first one's t0 ({@code server.json}'s {@code t0Nanos}): that
 * one's feed goes on with the same schedule, never publishes what fell due in between, and its
 * {@code listening} reports that t0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve one cell: a server stack and the event feed, controlled over stdin/stdout (JSON lines).",
                "Usually started by 'pushbench run'; by hand: pushbench serve --config server.json"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "server.json written by 'pushbench run'")
    Path config;

    @Override
    public Integer call() throws Exception {
        ChildSpecs.ServeFile serve = ChildSpecs.read(this.config, ChildSpecs.ServeFile.class);
        ServerStack stack = ServerStack.named(serve.stack());
        ServerConfig config = serverConfig(serve).withTls();
        LineChannel runner = new LineChannel("runner", System.in, System.out, System.err::println);
        try (EventFeed feed = new EventFeed(serve.feed());
             PushContext context = new PushContext(feed, config)) {
            Long restartT0 = serve.t0Nanos();
            if (restartT0 != null) {
                // a restart: the schedule goes on without what fell due while no server ran, and the history
                // must begin after that before the first client reconnects (a cursor above it would be refused)
                feed.start(restartT0, System.nanoTime());
            }
            try (PushServer server = stack.start(context)) {
                ProcessStats stats = new ProcessStats();
                long t0 = restartT0 != null ? restartT0 : System.nanoTime();
                if (restartT0 == null) {
                    feed.start(t0);
                }
                runner.send(new ControlMessage.Listening(server.port(), t0, ProcessHandle.current().pid(), stack.id(),
                        stack.description(), config.tls() == null ? null : config.tls().certificatePem()));
                return answer(runner, feed, context, stats);
            }
        }
    }

    /**
     * Answers the runner until {@code stop} or the end of its input. Asked to stop, it stops its feed first and
     * answers with its last {@code stats}: what it published is then final (a restart counts the events no server
     * published from there), and the server closes its connections after.
     */
    private static int answer(LineChannel runner, EventFeed feed, PushContext context, ProcessStats stats) throws Exception {
        CommandLoop.Farewell farewell = () -> {
            feed.close();
            return new ControlMessage.Stats(System.nanoTime(), stats.read(false), context.counters().snapshot(),
                    feed.publishedCount(), null, feed.listenerFailures(), HistogramSummary.ofNanos(feed.publisherLag()));
        };
        return CommandLoop.answer(runner, "get-clock, get-stats, get-subscribe-rates", command -> {
            if (command instanceof ControlMessage.GetClock) {
                return new ControlMessage.Clock(System.nanoTime());
            } else if (command instanceof ControlMessage.GetStats) {
                boolean gc = ((ControlMessage.GetStats) command).gc();
                return new ControlMessage.Stats(System.nanoTime(), stats.read(gc), context.counters().snapshot(),
                        feed.publishedCount(),
                        // for a memory reading: it scans every topic's history, which the reads at
                        // the window's edges and the settle polls should not pay for
                        gc ? feed.historyBytes() : null,
                        feed.listenerFailures(), HistogramSummary.ofNanos(feed.publisherLag()));
            } else if (command instanceof ControlMessage.GetSubscribeRates) {
                SubscribeMeter meter = context.counters().subscribeRate;
                return new ControlMessage.SubscribeRates(meter.t0Nanos(), meter.perSecond(System.nanoTime()));
            }
            return null;
        }, farewell);
    }

    private ServerConfig serverConfig(ChildSpecs.ServeFile serve) throws BadInputException {
        try {
            return serve.serverConfig();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(this.config + ": " + e.getMessage());
        }
    }
}
