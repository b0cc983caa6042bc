package dev.pushbench.runner.cli;

import dev.pushbench.model.Schemas;
import dev.pushbench.runner.run.BadInputException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pushbench validate}: checks a run directory's {@code run.json}, every
 * {@code cells/NAME/summary.json} and every capacity step's {@code cells/NAME/steps/NN-VALUE/summary.json}
 * against the published schemas ({@code docs/schema/}), the contract that users' own tools read these files by.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check run.json, every cells/*/summary.json and every capacity step's cells/*/steps/*/summary.json of"
                + " run directories against the published JSON Schemas"
                + " (docs/schema/run.schema.json, docs/schema/summary.schema.json).",
                "Prints one line per file that does not validate, with what is wrong where."})
final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", arity = "1..*", description = "run directories, e.g. results/20261125-153000-quick")
    List<Path> runDirs;

    @Override
    public Integer call() throws Exception {
        Validator run = validator(Schemas.run());
        Validator summary = validator(Schemas.summary());
        List<String> problems = new ArrayList<>();
        int files = 0;
        for (Path dir : runDirs) {
            Path manifest = dir.resolve("run.json");
            if (!Files.isRegularFile(manifest)) {
                throw new BadInputException(dir + ": not a run directory (no run.json in it)");
            }
            problems.addAll(check(run, manifest));
            files++;
            Path cells = dir.resolve("cells");
            if (Files.isDirectory(cells)) {
                try (Stream<Path> s = Files.list(cells)) {
                    for (Path cell : s.sorted().collect(Collectors.toList())) {
                        Path file = cell.resolve("summary.json");
                        if (Files.isRegularFile(file)) {
                            problems.addAll(check(summary, file));
                            files++;
                        }
                        Path steps = cell.resolve("steps");
                        if (Files.isDirectory(steps)) {
                            try (Stream<Path> t = Files.list(steps)) {
                                for (Path step : t.sorted().collect(Collectors.toList())) {
                                    Path stepFile = step.resolve("summary.json");
                                    if (Files.isRegularFile(stepFile)) {
                                        problems.addAll(check(summary, stepFile));
                                        files++;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        problems.forEach(System.out::println);
        System.out.println(files + " files checked, " + (files - problems.stream().map(p -> p.substring(0, p.indexOf(": "))).distinct().count())
                + " valid");
        return problems.isEmpty() ? Cli.OK : Cli.FAILED;
    }

    private static Validator validator(String schema) {
        return Validator.create(JsonSchema.of(new JsonObject(schema)), new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012).setBaseUri("https://pushbench.dev/").setOutputFormat(OutputFormat.Basic));
    }

    private static List<String> check(Validator validator, Path file) throws IOException {
        JsonObject document;
        try {
            document = new JsonObject(Files.readString(file));
        } catch (DecodeException e) {
            return List.of(file + ": not a JSON object: " + e.getMessage());
        }
        OutputUnit result = validator.validate(document);
        if (Boolean.TRUE.equals(result.getValid())) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (OutputUnit error : result.getErrors()) {
            problems.add(file + ": " + error.getInstanceLocation() + ": " + error.getError());
        }
        return problems.isEmpty() ? List.of(file + ": does not validate") : problems;
    }
}
