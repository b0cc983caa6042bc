package dev.pushbench.model;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.RunManifest;

/** The JSON Schemas of the result files, as published in {@code docs/schema/}. */
public final class Schemas {
    public static final String SUMMARY_ID = "https://pushbench.dev/schema/summary.schema.json";
    public static final String RUN_ID = "https://pushbench.dev/schema/run.schema.json";

    private Schemas() {
    }

    /** {@code cells/NAME/summary.json}. */
    public static String summary() {
        return SchemaGenerator.schemaOf(CellResult.class, SUMMARY_ID, "pushbench summary.json",
                "One cell of a pushbench run: which cell, how it ended, and every figure measured in it."
                        + " Absent figures were not measured; latency-style histograms are in microseconds.");
    }

    /** {@code run.json}. */
    public static String run() {
        return SchemaGenerator.schemaOf(RunManifest.class, RUN_ID, "pushbench run.json",
                "A pushbench run directory's manifest: what produced the run and how far it got.");
    }
}
