package dev.pushbench.runner.run;

/**
 * The one rule for whether a cell's load generator was saturated, so that its timestamps (and the
 * latencies taken from them) may include its own delay. On one machine the generator is starved
 * when it uses nearly all cores itself, or when it and the server together do, whatever its own
 * share.
 *
 * <pre>
 *   Saturation s = Saturation.judge(loadgenCpuPercent, serverCpuPercent, cores);
 *   if (s.saturated()) { note(s.because()); }
 * </pre>
 *
 * <p>CPU percentages are 100 per core, each over the measured window.
 */
record Saturation(boolean saturated, String because) {
    /** The generator alone, of one core's 100 %, times the cores. */
    static final double GENERATOR_PERCENT_OF_CORES = 85.0;
    /** Generator and server together, of one core's 100 %, times the cores. */
    static final double MACHINE_PERCENT_OF_CORES = 90.0;

    static final Saturation NOT = new Saturation(false, null);

    /**
     * @param serverCpuPercent the server's CPU over the same window; null when it was not read (then
     *                         only the generator's own share counts)
     */
    static Saturation judge(double loadgenCpuPercent, Double serverCpuPercent, int cores) {
        if (loadgenCpuPercent >= GENERATOR_PERCENT_OF_CORES * cores) {
            return new Saturation(true, "the load generator used " + loadgenCpuPercent + " % CPU of " + cores + " cores");
        }
        if (serverCpuPercent == null) {
            return NOT;
        }
        double machine = loadgenCpuPercent + serverCpuPercent;
        if (machine >= MACHINE_PERCENT_OF_CORES * cores) {
            return new Saturation(true, "server and load generator together used " + Math.round(machine) + " % CPU of "
                    + cores * 100 + " % (" + cores + " cores): the generator competed for CPU");
        }
        return NOT;
    }
}
