package dev.pushbench.runner.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code pushbench class-data-archive}: builds the class-data archive for the jar this runs from
 * (if it is not there yet) and prints its path; the build runs it right after packaging the jar.
 */
@Command(name = "class-data-archive", hidden = true, mixinStandardHelpOptions = true,
        description = "Build the class-data archive the run's child JVMs start from (done by the build).")
final class ClassDataArchiveCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        List<String> options = dev.pushbench.runner.run.ClassDataArchive.jvmOptions(System.out);
        System.out.println(options.isEmpty() ? "no class-data archive" : "class-data archive: " + options.get(0));
        return options.isEmpty() ? Cli.FAILED : Cli.OK;
    }
}
