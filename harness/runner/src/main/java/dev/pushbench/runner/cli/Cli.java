package dev.pushbench.runner.cli;

import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.scenario.ScenarioException;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParseResult;

/** What the subcommands share: exit codes and error reporting. */
final class Cli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    private Cli() {
    }

    /** Bad input is a message and exit 2; anything else a message and exit 1; a stack trace only with PUSHBENCH_DEBUG. */
    static int handle(Exception e, CommandLine cli, ParseResult parsed) {
        boolean badInput = e instanceof ScenarioException || e instanceof BadInputException;
        cli.getErr().println("pushbench: " + (badInput ? "" : "error: ") + e.getMessage());
        if (System.getenv("PUSHBENCH_DEBUG") != null) {
            e.printStackTrace(cli.getErr());
        }
        return badInput ? BAD_INPUT : FAILED;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PushbenchCli.class.getPackage().getImplementationVersion();
            return new String[] {"pushbench " + (v == null ? "(development build)" : v),
                    "JVM: ${java.version} (${java.vendor} ${java.vm.name} ${java.vm.version})"};
        }
    }
}
