package dev.pushbench.runner.e2e;

import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.runner.run.ChildSpecs;
import java.io.IOException;
import java.nio.file.Path;

/** The files of a run directory, read as the records they are written from. */
final class RunFiles {
    private RunFiles() {
    }

    static RunManifest run(Path runDir) throws IOException {
        return JsonFiles.read(runDir.resolve("run.json"), RunManifest.class);
    }

    static CellResult summary(Path cellDir) throws IOException {
        return JsonFiles.read(cellDir.resolve("summary.json"), CellResult.class);
    }

    static ChildSpecs.LoadFile load(Path cellDir) throws IOException {
        return JsonFiles.read(cellDir.resolve("load.json"), ChildSpecs.LoadFile.class);
    }
}
