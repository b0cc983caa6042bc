package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.ProcessSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cell short of subscribers names the open-file limit when a side's memory points came within 16 files of it. */
class OpenFilesNoteTest {

    private static CellResult.MemoryPoint point(long serverFiles, long loadgenFiles) {
        return new CellResult.MemoryPoint(19_000L, true, new ProcessSnapshot(1L, true, 0L, 0L, 0L, 0L, 10, serverFiles),
                0L, 0L, new ProcessSnapshot(1L, true, 0L, 0L, 0L, 0L, 10, loadgenFiles), CellResult.MemoryPoint.UP);
    }

    @Test
    void aSideAtItsLimitIsNamed() {
        assertEquals("; the server held 19990 open files at a memory point, its limit is 20000 (ulimit -n): lower"
                        + " clients.connections or raise the limit",
                CellResultBuilder.openFilesNote(List.of(point(12_000, 11_000), point(19_990, 19_100)), 20_000));
        assertEquals("; the load generator held 19984 open files at a memory point, its limit is 20000 (ulimit -n): lower"
                        + " clients.connections or raise the limit",
                CellResultBuilder.openFilesNote(List.of(point(19_300, 19_984)), 20_000));
    }

    @Test
    void wellBelowTheLimitOrWithoutOneNothingIsSaid() {
        assertEquals("", CellResultBuilder.openFilesNote(List.of(point(19_983, 19_100)), 20_000));
        assertEquals("", CellResultBuilder.openFilesNote(List.of(point(19_999, 19_999)), -1));
        assertEquals("", CellResultBuilder.openFilesNote(List.of(), 20_000));
    }
}
