package dev.pushbench.runner.cli;

import dev.pushbench.loadgen.LoadGenerator;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.model.control.ControlChannel.ChannelClosedException;
import dev.pushbench.model.control.ControlChannel.ChannelTimeoutException;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.control.LineChannel;
import dev.pushbench.model.result.LoadResult;
import dev.pushbench.model.result.ProcessSnapshot;
import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.run.ChildSpecs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pushbench load}: the load generator for one cell, in its own JVM. Says what it does in
 * {@link ControlMessage}s on standard output ({@code ready}, {@code phase}, {@code progress},
 * {@code memory-point}, and last {@code result}); reads {@code go}, {@code ramp}, {@code next},
 * {@code faulted} (a fault the runner applied, handed to the generator) and {@code stop} from standard
 * input, and ends at once when that input ends or says {@code stop}.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Run the load of one cell against a running server and print what it measured (JSON lines).",
                "Usually started by 'pushbench run'; by hand: pushbench load --config load.json"})
final class LoadCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "load.json written by 'pushbench run'")
    Path config;

    @Option(names = "--await-config", description = "start the JVM now, read a 'go' message naming the config FILE from standard input later"
            + " (the runner starts the load generator while the server starts, to save a JVM start per cell)")
    boolean awaitConfig;

    @Override
    public Integer call() throws Exception {
        LineChannel runner = new LineChannel("runner", System.in, System.out, System.err::println);
        Path file = config;
        if (awaitConfig) {
            ControlMessage.Go go = awaitGo(runner);
            if (go == null) {
                return Cli.OK; // the runner did not need us (the cell ended before its load)
            }
            file = Path.of(go.config());
        } else if (file == null) {
            throw new BadInputException("pushbench load needs --config FILE (or --await-config)");
        }
        LoadSpec spec = loadSpec(file);
        Semaphore next = new Semaphore(0);
        Semaphore ramp = new Semaphore(0);
        boolean runnerAttached = awaitConfig;
        LoadGenerator.Coordinator coordinator = new LoadGenerator.Coordinator() {
            @Override
            public void memoryPoint(long connections, ProcessSnapshot loadgen, String sweep) throws InterruptedException {
                send(runner, new ControlMessage.MemoryPoint(connections, loadgen, sweep));
                if (!next.tryAcquire(60, TimeUnit.SECONDS)) {
                    System.err.println("pushbench load: the runner did not answer a memory point within 60 s; going on");
                }
            }

            @Override
            public void readyToRamp() throws InterruptedException {
                send(runner, new ControlMessage.Ready());
                // started by the runner, which verifies the server meanwhile: wait for its word
                if (runnerAttached && !ramp.tryAcquire(120, TimeUnit.SECONDS)) {
                    System.err.println("pushbench load: the runner did not say 'ramp' within 120 s; going on");
                }
            }
        };
        LoadGenerator generator = new LoadGenerator(spec, message -> send(runner, message), coordinator);
        Thread watcher = new Thread(() -> {
            // "next" releases a memory point; "faulted" goes to the generator; "stop" or the end of input (the
            // runner is gone) ends the JVM
            try {
                for (;;) {
                    ControlMessage m = runner.receive(Duration.ofSeconds(1));
                    if (m instanceof ControlMessage.Next) {
                        next.release();
                    } else if (m instanceof ControlMessage.Ramp) {
                        ramp.release();
                    } else if (m instanceof ControlMessage.Faulted faulted) {
                        generator.faulted(faulted);
                    } else if (m instanceof ControlMessage.Stop) {
                        break;
                    }
                }
            } catch (ChannelClosedException | InterruptedException runnerGone) {
                // ends the JVM below
            }
            Runtime.getRuntime().halt(3);
        }, "pushbench-control-in");
        watcher.setDaemon(true);
        watcher.start();
        LoadResult result = generator.run();
        send(runner, new ControlMessage.Result(result));
        return Cli.OK;
    }

    /** The runner's {@code go}, or null when its input ended first. */
    private static ControlMessage.Go awaitGo(LineChannel runner) throws InterruptedException {
        try {
            return runner.await(ControlMessage.Go.class, Duration.ofDays(1), other -> { });
        } catch (ChannelClosedException | ChannelTimeoutException runnerGoneOrNeverCame) {
            return null;
        }
    }

    private static LoadSpec loadSpec(Path file) throws BadInputException {
        try {
            return ChildSpecs.read(file, ChildSpecs.LoadFile.class).toLoadSpec();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        }
    }

    /** A runner that is gone cannot be told anything; the watcher then ends this JVM. */
    private static void send(LineChannel runner, ControlMessage message) {
        try {
            runner.send(message);
        } catch (IOException runnerGone) {
            // the watcher sees the end of input and halts
        }
    }
}
