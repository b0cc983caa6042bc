package dev.pushbench.runner.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code pushbench clock}: prints this process's System.nanoTime(), for the runner's same-clock check. */
@Command(name = "clock", hidden = true, mixinStandardHelpOptions = true,
        description = "Print System.nanoTime() of a fresh JVM (used by the runner's clock check).")
final class ClockCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(System.nanoTime());
        return Cli.OK;
    }
}
