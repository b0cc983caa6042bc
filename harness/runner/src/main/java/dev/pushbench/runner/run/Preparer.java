package dev.pushbench.runner.run;

import java.nio.file.Path;
import java.util.List;

/**
 * What makes a cell ready to ramp: on one machine a {@link CellPreparation} (both JVMs here, the next
 * cell prepared ahead), on a cluster a {@link ClusterPreparation} (the roles on their agents).
 */
interface Preparer {

    /** The cell made ready: prepared ahead for it, or now. */
    CellPreparation.Prepared take(CellPlan cell, Path cellDir) throws Exception;

    /** Starts preparing the first measured cell of {@code nextCells}, where the preparer can. */
    void startAhead(List<CellPlan> nextCells, Path cellsDir);

    /** Why no further cell can run (every agent of a role gone); null while they can. */
    default String fatal() {
        return null;
    }

    /** Ends the JVMs of a cell being prepared ahead at once (Ctrl-C). */
    void kill();

    /** Closes what was prepared ahead and will not run. */
    void close();
}
