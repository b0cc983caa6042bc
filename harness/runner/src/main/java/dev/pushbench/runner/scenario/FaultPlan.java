package dev.pushbench.runner.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One entry of a scenario's {@code faults}: what the runner does to a cell, and when, counted from the start of
 * the measured window.
 *
 * <pre>
 *   new FaultPlan(Type.CUT, Mode.RESET, Duration.ofSeconds(5), Duration.ofSeconds(10), 0.5, Duration.ZERO, Duration.ZERO)
 *       .times(Duration.ofSeconds(30));   // [5s, 15s, 25s]
 * </pre>
 *
 * @param at       the first time after the window began
 * @param every    then again at this interval until the window ends; zero: once
 * @param share    cut and blackhole: the share of live connections hit, drawn at random
 * @param duration a blackhole's length; zero: until the client gives the connection up
 * @param down     a restart: how long the server stays down before the new one starts (its start adds to it)
 */
public record FaultPlan(Type type, Mode mode, Duration at, Duration every, double share, Duration duration, Duration down) {

    /** What the fault does. */
    public enum Type {
        /** The relay ends a share of live connections: a reset, or dropped without a FIN. */
        CUT("cut"),
        /** The relay stops a share of live connections passing bytes, without closing them. */
        BLACKHOLE("blackhole"),
        /** The server process is stopped and started again on the same port; its history is gone. */
        RESTART("restart"),
        /** The proxy reloads its configuration, as a deploy does. */
        PROXY_RELOAD("proxy-reload");

        private final String id;

        Type(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** True if the relay applies it: the cell needs the relay on its way. */
        public boolean onRelay() {
            return this == CUT || this == BLACKHOLE;
        }

        public static String allowed() {
            return Arrays.stream(values()).map(Type::id).collect(Collectors.joining(", "));
        }
    }

    /** How a cut ends a connection. */
    public enum Mode {
        /** An RST both ways: both sides know at once. */
        RESET("reset"),
        /** The server's side is reset; the client hears nothing more (no FIN): a NAT that forgot it. */
        DROP("drop");

        private final String id;

        Mode(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public FaultPlan {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(down, "down");
        if (type == Type.CUT) {
            Objects.requireNonNull(mode, "mode");
        }
        if (at.isNegative() || every.isNegative() || duration.isNegative() || down.isNegative()) {
            throw new IllegalArgumentException("fault times must be 0s or more");
        }
        if (!(share > 0) || share > 1) {
            throw new IllegalArgumentException("a fault's share must be above 0 and at most 1, got " + share);
        }
    }

    /** When it happens, after the window's start, within a window of {@code window}. */
    public List<Duration> times(Duration window) {
        List<Duration> times = new ArrayList<>();
        for (Duration t = at; t.compareTo(window) < 0; t = t.plus(every)) {
            times.add(t);
            if (every.isZero()) {
                break;
            }
        }
        return times;
    }
}
