package dev.pushbench.runner.run;

import dev.pushbench.core.ProcessStats;
import dev.pushbench.core.Transport;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.CellStatus;
import dev.pushbench.runner.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One cell of a scenario with a {@code search}: runs its {@link CapacitySearch}, each step a whole cell measured the
 * way every cell is, in its own directory under the cell's {@code steps/}, and writes the cell's {@code summary.json}.
 *
 * <pre>
 *   CellResult r = new CapacityCell(scenario, jvmOptions, verifier, progress, runner::measure, () -> stopped)
 *           .run(cell, cellDir, System.nanoTime());
 * </pre>
 */
final class CapacityCell {
    /** Measures one cell of a scenario, as {@link ScenarioRunner} does. */
    @FunctionalInterface
    interface Measurer {
        CellResultBuilder measure(Scenario s, Preparer prep, CellPlan cell, Path cellDir, Runnable windowOver);
    }

    private final Scenario scenario;
    private final List<String> jvmOptions;
    private final ScenarioRunner.Verifier verifier;
    private final Progress progress;
    private final Measurer measurer;
    private final BooleanSupplier interrupted;

    CapacityCell(Scenario scenario, List<String> jvmOptions, ScenarioRunner.Verifier verifier, Progress progress,
                 Measurer measurer, BooleanSupplier interrupted) {
        this.scenario = scenario;
        this.jvmOptions = jvmOptions;
        this.verifier = verifier;
        this.progress = progress;
        this.measurer = measurer;
        this.interrupted = interrupted;
    }

    /**
     * A capacity search's cell: each step a whole cell at one value of the variable, in {@code steps/NN-value/} under
     * the cell's directory with its own {@code summary.json}; the cell's {@code summary.json} is its capacity point's
     * figures with the {@code capacity} block beside them. Only the first step verifies the server: the code served is
     * the same at every value.
     */
    CellResult run(CellPlan cell, Path cellDir, long started) throws IOException {
        dev.pushbench.runner.scenario.SearchSpec spec = scenario.search();
        long maxFiles = ProcessStats.maxOpenFiles();
        double fileCap = spec.variable() == dev.pushbench.runner.scenario.SearchSpec.Variable.CONNECTIONS && maxFiles > 0
                ? maxFiles - ScenarioRunner.FILE_MARGIN : Double.MAX_VALUE;
        CapacitySearch.StepRunner steps = (value, n) -> {
            if (interrupted.getAsBoolean()) {
                throw new InterruptedException("stopped by the user");
            }
            Scenario at;
            try {
                at = scenario.at(spec.variable(), value);
                HeapBudget.check(String.valueOf(scenario.source()), at.feed(), at.clients().connections(), at.clients().engine(),
                        at.matrix().transports().stream().anyMatch(Transport::isPolling), jvmOptions,
                        ChildProcess.extraOptions("server"), ChildProcess.extraOptions("loadgen"));
            } catch (IllegalArgumentException | BadInputException e) {
                throw new CapacitySearch.Refused(e.getMessage());
            }
            String dir = String.format(java.util.Locale.ROOT, "steps/%02d-%s", n, plain(value));
            Path stepDir = cellDir.resolve(dir);
            Files.createDirectories(stepDir);
            progress.message(String.format(java.util.Locale.ROOT, "  step %d: %s = %s", n, spec.variable().key(), plain(value)));
            long stepStarted = System.nanoTime();
            CellPreparation prep = new CellPreparation(at, jvmOptions, n == 1 ? verifier : (st, h, p, pr, t, f, pem) -> List.of(),
                    false);
            CellResultBuilder result;
            try {
                result = measurer.measure(at, prep, cell, stepDir, () -> { });
            } finally {
                prep.close();
            }
            result.durationSeconds((System.nanoTime() - stepStarted) / 1e9);
            CellResult r = result.write(stepDir.resolve("summary.json"));
            String fatal = r.status() == CellStatus.FAILED && r.reason() != null
                    && (r.reason().startsWith("verify failed") || r.reason().startsWith("clock check failed")
                    || r.reason().startsWith("stopped by the user")) ? r.reason() : null;
            progress.message("    " + CellLine.of(r));
            return new CapacitySearch.Step(r, dir, fatal);
        };
        CapacitySearch.Outcome outcome;
        try {
            outcome = new CapacitySearch(spec, fileCap, steps, System::nanoTime).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CellResultBuilder result = new CellResultBuilder(cell);
            result.interrupted("stopped by the user (Ctrl-C or SIGTERM) during the capacity search; its steps so far are in "
                    + cellDir.resolve("steps"));
            result.durationSeconds((System.nanoTime() - started) / 1e9);
            return result.write(cellDir.resolve("summary.json"));
        }
        double seconds = Math.round((System.nanoTime() - started) / 1e7) / 100.0;
        CellResult base = outcome.point() == null ? new CellResultBuilder(cell).build() : outcome.point().result();
        CellResult cellResult = base.withCapacity(cell.name(), cell.repeat(),
                outcome.fatal() == null ? CellStatus.OK : CellStatus.FAILED, outcome.fatal(), seconds, outcome.capacity());
        if (outcome.point() != null) {
            for (String file : List.of("latency.hlog", "server.log", "loadgen.log")) {
                Path from = cellDir.resolve(outcome.point().dir()).resolve(file);
                if (Files.isRegularFile(from)) {
                    Files.copy(from, cellDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        dev.pushbench.model.JsonFiles.write(cellDir.resolve("summary.json"), cellResult);
        return cellResult;
    }

    /** A step's value for its directory name: 4800, 2.5, 16384. */
    private static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
