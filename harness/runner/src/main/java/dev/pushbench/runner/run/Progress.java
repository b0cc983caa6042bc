package dev.pushbench.runner.run;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * What the runner shows while it runs. On a terminal: one live line per cell, rewritten every second
 * (phase and time in it, events/s, p99 so far, live connections, the run's ETA), ended by the cell's
 * result. Elsewhere (CI logs, pipes): a plain line per phase and the result, nothing rewritten.
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final Duration perCell;
    private final Duration warmup;
    private final Duration duration;
    private final Duration drain;
    private long runStartNanos;
    private String prefix = "";
    private int cellIndex;
    private int cells;
    private String phase = "";
    private long phaseStartNanos;
    private long cellStartNanos;
    private int lastLength;

    Progress(PrintStream out, boolean terminal, Duration perCell, Duration warmup, Duration duration, Duration drain) {
        this.out = out;
        this.terminal = terminal;
        this.perCell = perCell;
        this.warmup = warmup;
        this.duration = duration;
        this.drain = drain;
    }

    void runStarted(int cells) {
        this.cells = cells;
        this.runStartNanos = System.nanoTime();
    }

    void cellStarted(int index, String name) {
        cellIndex = index;
        prefix = String.format("[%d/%d] %-34s", index, cells, name);
        phase = "starting";
        cellStartNanos = System.nanoTime();
        phaseStartNanos = cellStartNanos;
        show(prefix + " starting" + eta(), false);
    }

    void onLine(Map<String, Object> line) {
        Object event = line.get("event");
        if ("phase".equals(event)) {
            phase = String.valueOf(line.get("phase"));
            phaseStartNanos = System.nanoTime();
            if (!terminal) {
                out.printf("%s %-8s at %.1f s%n", prefix, phase, (phaseStartNanos - cellStartNanos) / 1e9);
            }
        } else if ("progress".equals(event) && terminal) {
            long elapsed = (System.nanoTime() - phaseStartNanos) / 1_000_000_000L;
            Duration length = "warmup".equals(phase) ? warmup : "measure".equals(phase) ? duration : "drain".equals(phase) ? drain : null;
            String time = length == null ? elapsed + "s" : elapsed + "s/" + length.toSeconds() + "s";
            show(String.format("%s %-7s %-7s %,8d ev/s  p99 %-8s conns %s%s", prefix, phase, time,
                    ((Number) line.getOrDefault("eventsInInterval", 0)).longValue(),
                    CellSummary.micros(line.get("p99Micros")), line.get("live"), eta()), false);
        }
    }

    void cellFinished(String result) {
        show(prefix + " " + result, true);
    }

    void message(String text) {
        show(text, true);
    }

    private String eta() {
        long elapsedCell = System.nanoTime() - cellStartNanos;
        long remaining = Math.max(0, perCell.toNanos() - elapsedCell) + (long) (cells - cellIndex) * perCell.toNanos();
        long s = remaining / 1_000_000_000L;
        long total = (System.nanoTime() - runStartNanos) / 1_000_000_000L;
        return String.format("  | run %dm%02ds, ETA %dm%02ds", total / 60, total % 60, s / 60, s % 60);
    }

    private void show(String text, boolean done) {
        if (terminal) {
            String pad = text.length() < lastLength ? " ".repeat(lastLength - text.length()) : "";
            out.print("\r" + text + pad + (done ? "\n" : ""));
            out.flush();
            lastLength = done ? 0 : text.length();
        } else {
            out.println(text);
        }
    }
}
