package dev.pushbench.runner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code pushbench} command. Exit codes, the same for every subcommand:
 * <ul>
 *   <li>0 — done; every cell ok (or unsupported, with its reason)</li>
 *   <li>1 — a run, a cell or a check failed (the results say which and why)</li>
 *   <li>2 — bad input: a scenario, a file or an option; nothing was started</li>
 * </ul>
 */
@Command(name = "pushbench", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Compare server-push transports (SSE, WebSocket, long and short polling) across HTTP versions and server stacks.",
        subcommands = {RunCommand.class, AgentCommand.class, ServeCommand.class, LoadCommand.class, RelayCommand.class, VerifyCommand.class,
                ReportCommand.class, CompareCommand.class, EstimateCommand.class, ValidateCommand.class, ClockCommand.class, GeneratorCheckCommand.class, ClassDataTrainingCommand.class, ClassDataArchiveCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done; every cell ok or unsupported", "1:a run, cell or check failed", "2:bad input (scenario, file, option)"})
public final class PushbenchCli {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests and for main). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new PushbenchCli());
        badInputIsTwo(cli);
        cli.setExecutionExceptionHandler(Cli::handle);
        return cli.execute(args);
    }

    private static void badInputIsTwo(CommandLine cli) {
        cli.getCommandSpec().exitCodeOnInvalidInput(Cli.BAD_INPUT);
        for (CommandLine sub : cli.getSubcommands().values()) {
            badInputIsTwo(sub);
        }
    }
}
