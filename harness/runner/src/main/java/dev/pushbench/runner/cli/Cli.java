package dev.pushbench.runner.cli;

import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.run.Json;
import dev.pushbench.runner.scenario.ScenarioException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParseResult;

/** What the subcommands share: exit codes, error reporting, reading their input files. */
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

    static Map<String, Object> readJsonFile(Path file) throws BadInputException {
        try {
            return Json.parse(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        }
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
