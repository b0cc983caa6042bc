package dev.pushbench.runner.run;

import dev.pushbench.model.control.ControlMessage;
import java.io.PrintStream;
import java.time.Duration;

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

    /** A message of the load generator: a {@code phase} or {@code progress} moves the display, others do not. */
    void onMessage(ControlMessage message) {
        if (message instanceof ControlMessage.Phase) {
            phase = ((ControlMessage.Phase) message).phase();
            phaseStartNanos = System.nanoTime();
            if (!terminal) {
                out.printf("%s %-8s at %.1f s%n", prefix, phase, (phaseStartNanos - cellStartNanos) / 1e9);
            }
        } else if (message instanceof ControlMessage.Progress && terminal) {
            ControlMessage.Progress p = (ControlMessage.Progress) message;
            long elapsed = (System.nanoTime() - phaseStartNanos) / 1_000_000_000L;
            Duration length = ControlMessage.Phase.WARMUP.equals(phase) ? warmup
                    : ControlMessage.Phase.MEASURE.equals(phase) ? duration
                    : ControlMessage.Phase.DRAIN.equals(phase) ? drain : null;
            String time = length == null ? elapsed + "s" : elapsed + "s/" + length.toSeconds() + "s";
            show(String.format("%s %-7s %-7s %,8d ev/s  p99 %-8s conns %s%s", prefix, phase, time,
                    p.eventsInInterval(), CellLine.micros(p.p99Micros()), p.live(), eta()), false);
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
