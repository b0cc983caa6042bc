package dev.pushbench.runner.cli;

import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.run.ScenarioRunner;
import dev.pushbench.runner.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What is checked before a run starts besides the scenario files: that the results directory can
 * be written, and that a run estimated to take longer than {@link #UNATTENDED_LIMIT} was asked for
 * with {@code --yes}. Both fail as bad input (exit 2) before anything starts.
 */
final class RunBounds {
    /** Runs estimated above this need {@code --yes}: a typo in a rate or a duration can make one take days. */
    static final Duration UNATTENDED_LIMIT = Duration.ofHours(2);

    private RunBounds() {
    }

    /** The results directory exists as a writable directory, or can be made. */
    static void checkResultsDirectory(Path results) throws BadInputException {
        if (results == null || results.toString().isBlank()) {
            throw new BadInputException("--results must name a directory, got an empty path");
        }
        Path existing = results.toAbsolutePath().normalize();
        if (Files.exists(existing)) {
            if (!Files.isDirectory(existing)) {
                throw new BadInputException("--results " + results + " is a file, not a directory");
            }
            if (!Files.isWritable(existing)) {
                throw new BadInputException("--results " + results + " is a directory this user cannot write to");
            }
            return;
        }
        Path parent = existing.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new BadInputException("--results " + results + " cannot be made: " + parent + " is not a directory");
        }
        if (!Files.isWritable(parent)) {
            throw new BadInputException("--results " + results + " cannot be made: this user cannot write to " + parent);
        }
    }

    /** The scenarios' estimated run time, refused above the limit without {@code --yes}. */
    static Duration checkRunTime(List<Scenario> scenarios, boolean yes) throws BadInputException {
        Duration total = Duration.ZERO;
        for (Scenario s : scenarios) {
            total = total.plus(s.estimatedRunTime(ScenarioRunner.OVERHEAD_PER_CELL));
        }
        if (!yes && total.compareTo(UNATTENDED_LIMIT) > 0) {
            throw new BadInputException("the run is estimated at ~" + format(total) + ", above " + format(UNATTENDED_LIMIT)
                    + "; check the scenario's rates, durations and repeats, and pass --yes to run it anyway");
        }
        return total;
    }

    /** {@code 45s}, {@code 12m05s}, {@code 3h07m}, {@code 10d 0h}: long estimates in hours and days. */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        if (s < 86_400) {
            return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
        }
        return (s / 86_400) + "d " + (s % 86_400) / 3600 + "h";
    }
}
