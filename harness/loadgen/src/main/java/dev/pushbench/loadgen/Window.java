package dev.pushbench.loadgen;

/**
 * The measured window, by intended publish time: an event counts (is expected, is recorded) when its
 * intended time is in {@code [startNanos, endNanos)}. Unset until the ramp is done, so that nothing
 * published during the ramp or before counts.
 */
public final class Window {
    private volatile long startNanos = Long.MAX_VALUE;
    private volatile long endNanos = Long.MAX_VALUE;

    public void set(long startNanos, long endNanos) {
        if (endNanos <= startNanos) {
            throw new IllegalArgumentException("window must end after it starts: " + startNanos + " .. " + endNanos);
        }
        this.endNanos = endNanos;
        this.startNanos = startNanos;
    }

    public boolean contains(long intendedNanos) {
        return intendedNanos >= startNanos && intendedNanos < endNanos;
    }

    public long startNanos() {
        return startNanos;
    }

    public long endNanos() {
        return endNanos;
    }

    public boolean isSet() {
        return startNanos != Long.MAX_VALUE;
    }
}
