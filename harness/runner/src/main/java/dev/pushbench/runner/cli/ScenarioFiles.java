package dev.pushbench.runner.cli;

import dev.pushbench.core.ServerStack;
import dev.pushbench.runner.scenario.Scenario;
import dev.pushbench.runner.scenario.ScenarioException;
import dev.pushbench.runner.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/** Loads scenario files strictly, all of them before anything runs, against the stacks on the class path. */
final class ScenarioFiles {
    private ScenarioFiles() {
    }

    static Set<String> knownStacks() {
        Set<String> ids = new LinkedHashSet<>();
        for (ServerStack stack : ServiceLoader.load(ServerStack.class)) {
            ids.add(stack.id());
        }
        return ids;
    }

    static List<Scenario> loadAll(List<Path> files) throws ScenarioException {
        Set<String> stacks = knownStacks();
        List<Scenario> scenarios = new ArrayList<>();
        for (Path file : files) {
            scenarios.add(ScenarioLoader.load(file, stacks));
        }
        return scenarios;
    }
}
