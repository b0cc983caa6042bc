package dev.pushbench.loadgen;

import java.time.Duration;
import java.util.Objects;

/**
 * How a WebSocket or polling subscriber waits before it tries a lost connection again: an exponential
 * backoff, randomized, as socket.io's client does ({@code clients.reconnect} in a scenario). Attempt
 * {@code n} (from 1, counted since the subscription was last live) waits
 * {@code min(max, initial × 2^(n-1))}, multiplied by a uniform draw in {@code [1 - jitter, 1 + jitter]}.
 * An SSE subscriber does not use it: an EventSource waits its stream's {@code retry:} and never grows it.
 *
 * <pre>
 *   ReconnectPolicy policy = ReconnectPolicy.DEFAULT;                 // 1 s, 5 s, 0.5
 *   long waitNanos = policy.delayNanos(attempt, random.nextDouble());  // attempt 1: 0.5 s to 1.5 s
 * </pre>
 *
 * @param initial the first attempt's delay, before jitter
 * @param max     the longest delay before jitter: the doubling stops there
 * @param jitter  in {@code [0, 1]}: how far either way the draw moves a delay, as a share of it
 */
public record ReconnectPolicy(Duration initial, Duration max, double jitter) {
    /**
     * socket.io client's defaults ({@code reconnectionDelay} 1000 ms, {@code reconnectionDelayMax} 5000 ms,
     * {@code randomizationFactor} 0.5: socket.io-client's {@code Manager} options, as documented at
     * socket.io/docs/v4/client-options).
     */
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 0.5);

    public ReconnectPolicy {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative()) {
            throw new IllegalArgumentException("reconnect.initial must not be negative, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("reconnect.max must be at least reconnect.initial (" + initial + "), got " + max);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("reconnect.jitter must be between 0 and 1, got " + jitter);
        }
    }

    /** The same delay every time, without jitter: a fixed wait (tests, and EventSource-like clients). */
    public static ReconnectPolicy fixed(Duration delay) {
        return new ReconnectPolicy(delay, delay, 0);
    }

    /**
     * The wait before attempt {@code attempt} (1 for the first try after a connection ended).
     *
     * @param uniform a draw in {@code [0, 1)}, mapped to the factor {@code 1 - jitter + 2 × jitter × uniform}
     */
    public long delayNanos(int attempt, double uniform) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
        }
        long maxNanos = max.toNanos();
        long base = initial.toNanos();
        for (int i = 1; i < attempt && base > 0 && base < maxNanos; i++) {
            base = base > maxNanos / 2 ? maxNanos : base * 2;
        }
        base = Math.min(base, maxNanos);
        double factor = 1 - jitter + 2 * jitter * uniform;
        return (long) (base * factor);
    }
}
