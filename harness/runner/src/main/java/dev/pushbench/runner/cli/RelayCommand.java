package dev.pushbench.runner.cli;

import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.control.LineChannel;
import dev.pushbench.relay.Relay;
import dev.pushbench.relay.RelayConfig;
import dev.pushbench.runner.run.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pushbench relay}: the emulated link of one cell, in its own JVM so that its CPU is its own. Listens
 * where {@code relay.json} says, says {@code relay-listening} (port, pid) on standard output, then answers each
 * {@code apply-fault} with {@code fault-applied} (or {@code error} naming the bad field) until {@code stop} or
 * the end of its input.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = {"Relay TCP connections to a target through an emulated link (delay, jitter, bandwidth, stalls),"
                + " cutting or blackholing them on command (JSON lines on stdin/stdout).",
                "Usually started by 'pushbench run'; by hand: pushbench relay --config relay.json"})
final class RelayCommand implements Callable<Integer> {
    private static final Duration FAULT_ANSWER = Duration.ofSeconds(10);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "relay.json written by 'pushbench run'")
    Path config;

    @Override
    public Integer call() throws Exception {
        RelayConfig relayConfig;
        try {
            relayConfig = RelayConfig.read(config);
        } catch (IOException e) {
            throw new BadInputException(e.getMessage());
        }
        LineChannel runner = new LineChannel("runner", System.in, System.out, System.err::println);
        try (Relay relay = Relay.start(relayConfig, System.err::println)) {
            runner.send(new ControlMessage.RelayListening(relay.port(), ProcessHandle.current().pid()));
            return CommandLoop.answer(runner, "apply-fault", command -> command instanceof ControlMessage.ApplyFault
                    ? apply(relay, (ControlMessage.ApplyFault) command) : null);
        }
    }

    private static ControlMessage apply(Relay relay, ControlMessage.ApplyFault fault) throws InterruptedException {
        try {
            return relay.apply(fault, FAULT_ANSWER);
        } catch (IllegalArgumentException e) {
            return new ControlMessage.Error("apply-fault: " + e.getMessage());
        } catch (TimeoutException e) {
            return new ControlMessage.Error("apply-fault: the relay did not apply it within " + FAULT_ANSWER.toSeconds() + " s");
        } catch (IllegalStateException e) {
            return new ControlMessage.Error(e.getMessage());
        }
    }
}
