package dev.pushbench.runner.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, found from the test's working directory (the module) upwards. */
final class Repo {
    private Repo() {
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("benchmarks/scenarios"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the pushbench repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
