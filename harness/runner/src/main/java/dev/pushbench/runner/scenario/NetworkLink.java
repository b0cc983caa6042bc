package dev.pushbench.runner.scenario;

import dev.pushbench.model.result.CellResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The link a cell's connections cross: loopback as it is ({@link #NONE}), or the relay
 * ({@code pushbench relay}) shaping each connection as a real link would. A preset names a link by what
 * it stands for; any figure can be set by hand ({@code custom}).
 *
 * <pre>
 *   NetworkLink.preset("3g").rtt();          // 300ms
 *   NetworkLink.preset("4g").withRtt(Duration.ofMillis(100)).id();   // "4g" with its rtt replaced
 *   NetworkLink.NONE.relayed();              // false: the client speaks to the server directly
 * </pre>
 *
 * <p>The presets' rtt and bandwidth are WebPageTest's connectivity profiles ({@code connectivity.ini.sample}:
 * Cable, 4G, 3G); lan and satellite, the jitter and the stalls are chosen, not sourced, and say so in
 * {@code docs/methodology.md}.
 *
 * @param id             {@code none}, {@code loopback} (the relay, shaping nothing: its own cost), a preset's id, or
 *                       {@code custom}
 * @param rtt            round trip added, half each way
 * @param jitter         each segment's one-way delay varies by up to this either way, order kept
 * @param downBitsPerSecond server → client, per connection; 0: unlimited
 * @param upBitsPerSecond   client → server, per connection; 0: unlimited
 * @param stallEvery     mean time between a connection's stalls; zero: none
 * @param stallFor       mean length of a stall
 * @param mtu            segment size, headers (40 bytes) counted against the bandwidth
 */
public record NetworkLink(String id, Duration rtt, Duration jitter, long downBitsPerSecond, long upBitsPerSecond,
                          Duration stallEvery, Duration stallFor, int mtu) {

    public static final int DEFAULT_MTU = 1500;
    public static final int MIN_MTU = 576;
    public static final int MAX_MTU = 65_535;
    public static final String CUSTOM = "custom";

    /** No relay: the load generator speaks to the server (or its proxy) on loopback. */
    public static final NetworkLink NONE = new NetworkLink("none", Duration.ZERO, Duration.ZERO, 0, 0, Duration.ZERO,
            Duration.ZERO, DEFAULT_MTU);
    /** The relay in the way, shaping nothing: what the relay itself costs. */
    public static final NetworkLink LOOPBACK = new NetworkLink("loopback", Duration.ZERO, Duration.ZERO, 0, 0,
            Duration.ZERO, Duration.ZERO, DEFAULT_MTU);

    private static final List<NetworkLink> PRESETS = List.of(
            NONE,
            LOOPBACK,
            // a switched gigabit LAN (chosen)
            new NetworkLink("lan", Duration.ofMillis(1), Duration.ZERO, 1_000_000_000L, 1_000_000_000L,
                    Duration.ZERO, Duration.ZERO, DEFAULT_MTU),
            // WebPageTest "Cable": 5/1 Mbit/s, 28 ms
            new NetworkLink("broadband", Duration.ofMillis(28), Duration.ZERO, 5_000_000L, 1_000_000L,
                    Duration.ZERO, Duration.ZERO, DEFAULT_MTU),
            // WebPageTest "4G": 9/9 Mbit/s, 170 ms; jitter and stalls chosen
            new NetworkLink("4g", Duration.ofMillis(170), Duration.ofMillis(10), 9_000_000L, 9_000_000L,
                    Duration.ofSeconds(60), Duration.ofSeconds(1), DEFAULT_MTU),
            // WebPageTest "3G": 1.6 Mbit/s down, 768 kbit/s up, 300 ms; jitter and stalls chosen
            new NetworkLink("3g", Duration.ofMillis(300), Duration.ofMillis(30), 1_600_000L, 768_000L,
                    Duration.ofSeconds(30), Duration.ofSeconds(2), DEFAULT_MTU),
            // a geostationary hop: 4 × 35,786 km at c is 477 ms before any processing (chosen: 600 ms, 25/3 Mbit/s)
            new NetworkLink("satellite", Duration.ofMillis(600), Duration.ofMillis(20), 25_000_000L, 3_000_000L,
                    Duration.ZERO, Duration.ZERO, DEFAULT_MTU));

    public NetworkLink {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rtt, "rtt");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(stallEvery, "stallEvery");
        Objects.requireNonNull(stallFor, "stallFor");
        if (rtt.isNegative() || jitter.isNegative() || stallEvery.isNegative() || stallFor.isNegative()) {
            throw new IllegalArgumentException("network durations must be 0 or more, got rtt " + rtt + ", jitter " + jitter
                    + ", stallEvery " + stallEvery + ", stallFor " + stallFor);
        }
        if (downBitsPerSecond < 0 || upBitsPerSecond < 0) {
            throw new IllegalArgumentException("network bandwidth must be 0 (unlimited) or more, got down "
                    + downBitsPerSecond + ", up " + upBitsPerSecond);
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("network.mtu must be between " + MIN_MTU + " and " + MAX_MTU + ", got " + mtu);
        }
        if (!stallEvery.isZero() && stallFor.isZero()) {
            throw new IllegalArgumentException("network.stallEvery needs network.stallFor above 0s");
        }
    }

    /** The ids a scenario may name, in reference order. */
    public static List<String> ids() {
        List<String> ids = new java.util.ArrayList<>(PRESETS.stream().map(NetworkLink::id).toList());
        ids.add(CUSTOM);
        return List.copyOf(ids);
    }

    /** A preset by id, {@code custom} as loopback to be set by hand; null when unknown. */
    public static NetworkLink preset(String id) {
        if (CUSTOM.equals(id)) {
            return new NetworkLink(CUSTOM, Duration.ZERO, Duration.ZERO, 0, 0, Duration.ZERO, Duration.ZERO, DEFAULT_MTU);
        }
        return PRESETS.stream().filter(p -> p.id.equals(id)).findFirst().orElse(null);
    }

    /** True if the relay stands in the cell's way. */
    public boolean relayed() {
        return !id.equals(NONE.id);
    }

    /** True if the scenario's figures apply to it: not {@code none} (no relay) nor {@code loopback} (the relay's own cost). */
    public boolean shapes() {
        return relayed() && !id.equals(LOOPBACK.id);
    }

    public NetworkLink withRtt(Duration d) {
        return new NetworkLink(id, d, jitter, downBitsPerSecond, upBitsPerSecond, stallEvery, stallFor, mtu);
    }

    public NetworkLink withJitter(Duration d) {
        return new NetworkLink(id, rtt, d, downBitsPerSecond, upBitsPerSecond, stallEvery, stallFor, mtu);
    }

    public NetworkLink withBandwidth(long down, long up) {
        return new NetworkLink(id, rtt, jitter, down, up, stallEvery, stallFor, mtu);
    }

    public NetworkLink withStalls(Duration every, Duration length) {
        return new NetworkLink(id, rtt, jitter, downBitsPerSecond, upBitsPerSecond, every, length, mtu);
    }

    public NetworkLink withMtu(int m) {
        return new NetworkLink(id, rtt, jitter, downBitsPerSecond, upBitsPerSecond, stallEvery, stallFor, m);
    }

    /** As {@code summary.json} records it. */
    public CellResult.Link toResult() {
        return new CellResult.Link(id, millis(rtt), millis(jitter), downBitsPerSecond == 0 ? null : downBitsPerSecond,
                upBitsPerSecond == 0 ? null : upBitsPerSecond,
                stallEvery.isZero() ? null : stallEvery.toNanos() / 1e9, stallEvery.isZero() ? null : millis(stallFor), mtu);
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
