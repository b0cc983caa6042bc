package dev.pushbench.relay;

import dev.pushbench.model.result.CellResult;

/**
 * How the relay shapes each connection: the delay it adds, how that delay varies, the bandwidth of each
 * direction, how often the link stalls and for how long, and the segment size it writes in. Immutable;
 * the same shape applies to every connection of a relay, each with its own draws.
 *
 * <pre>
 *   LinkShape phone = new LinkShape(150_000_000L, 10_000_000L, 2_000_000, 500_000, 20_000_000_000L, 1_000_000_000L, 1500);
 *   LinkShape loopback = LinkShape.NONE;   // bytes go straight through
 * </pre>
 *
 * @param rttNanos          round trip added: half of it on each direction's segments
 * @param jitterNanos       each segment's one-way delay varies uniformly by up to this much either way, never below
 *                          zero; a segment is never released before the previous one of its direction
 * @param downBitsPerSecond server → client bandwidth of one connection, headers counted; 0: unlimited
 * @param upBitsPerSecond   client → server bandwidth of one connection, headers counted; 0: unlimited
 * @param stallEveryNanos   mean time between a connection's stalls (exponentially drawn); 0: no stalls
 * @param stallNanos        mean length of a stall (exponentially drawn, capped at {@value #STALL_CAP_FACTOR} × the
 *                          mean), during which nothing is released in either direction of the connection
 * @param mtu               the largest segment, {@value #HEADER_BYTES} bytes of headers included; 0 when read from
 *                          a file that leaves it out means {@value #DEFAULT_MTU}
 */
public record LinkShape(long rttNanos, long jitterNanos, long downBitsPerSecond, long upBitsPerSecond,
                        long stallEveryNanos, long stallNanos, int mtu) {
    /** IPv4 and TCP headers without options: what each segment costs beyond its payload. */
    public static final int HEADER_BYTES = 40;
    public static final int DEFAULT_MTU = 1500;
    /** The smallest MTU IPv4 allows. */
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 65535;
    public static final int STALL_CAP_FACTOR = 10;

    /** No shaping at all: loopback as it is. */
    public static final LinkShape NONE = new LinkShape(0, 0, 0, 0, 0, 0, DEFAULT_MTU);

    /** @throws IllegalArgumentException naming the field, the constraint and the bad value */
    public LinkShape {
        notNegative(rttNanos, "rttNanos");
        notNegative(jitterNanos, "jitterNanos");
        notNegative(downBitsPerSecond, "downBitsPerSecond");
        notNegative(upBitsPerSecond, "upBitsPerSecond");
        notNegative(stallEveryNanos, "stallEveryNanos");
        notNegative(stallNanos, "stallNanos");
        if (stallEveryNanos > 0 && stallNanos == 0) {
            throw new IllegalArgumentException("stallNanos must be positive when stallEveryNanos is set, got 0");
        }
        if (mtu == 0) {
            mtu = DEFAULT_MTU;
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu must be between " + MIN_MTU + " and " + MAX_MTU + " bytes, got " + mtu);
        }
    }

    /**
     * The shape of a cell's link as {@code summary.json} states it (milliseconds, seconds); an absent figure is
     * none (no delay, unlimited, no stalls, the default MTU).
     */
    public static LinkShape of(CellResult.Link link) {
        return new LinkShape(nanos(link.rttMillis(), 1e6), nanos(link.jitterMillis(), 1e6),
                link.downBitsPerSecond() == null ? 0 : link.downBitsPerSecond(),
                link.upBitsPerSecond() == null ? 0 : link.upBitsPerSecond(),
                nanos(link.stallEverySeconds(), 1e9), nanos(link.stallMillis(), 1e6),
                link.mtu() == null ? DEFAULT_MTU : link.mtu());
    }

    private static long nanos(Double value, double nanosPerUnit) {
        return value == null ? 0 : Math.round(value * nanosPerUnit);
    }

    private static void notNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }

    /** The most payload one segment carries. */
    public int maxPayloadBytes() {
        return mtu - HEADER_BYTES;
    }

    /** Whether connections have stalls. */
    public boolean stalls() {
        return stallEveryNanos > 0;
    }

    /**
     * Whether bytes go straight through: no delay, no jitter, no bandwidth limit, no stalls. Segmenting then
     * changes nothing a client can see, so the relay writes what it read as it read it.
     */
    public boolean passThrough() {
        return rttNanos == 0 && jitterNanos == 0 && downBitsPerSecond == 0 && upBitsPerSecond == 0 && stallEveryNanos == 0;
    }
}
