package dev.pushbench.model.result;

import dev.pushbench.model.Required;
import java.util.List;

/**
 * One cell's {@code summary.json}: which cell, how it ended, and every figure measured in it. The
 * runner writes it as soon as the cell ends; the report, {@code compare} and users' own tools read
 * it. The schema in {@code docs/schema/summary.schema.json} is generated from these records.
 *
 * <p>Every figure is optional for a reader: a failed or unsupported cell has few, and a file written
 * by an older version may lack newer ones. Latency-style histograms are in microseconds, computed
 * from nanosecond HdrHistograms (see {@code latency.hlog} for the full distribution).
 *
 * <p>This file is long because the schema is generated from it: every nested record is one part of
 * {@code summary.json}, documented where it is declared, and splitting them into files would scatter the
 * one contract readers must see whole.
 *
 * @param name           the cell's directory name, {@code stack-transport-protocol} with {@code -rN} for repeats
 * @param reason         why the cell failed or is unsupported; absent when ok
 * @param connectMicros  from each subscription's planned start to its first byte of stream or answer
 * @param tcpConnectMicros  each TCP connect from the return of the client's connect call to the established
 *                          socket: the server's side (its accept path, the handshake)
 * @param connectCallMicros the time inside each connect call: the client's own kernel work (binding, the
 *                          search for a free source port), apart so that a slow client never reads as a slow server
 * @param polling        the load generator's poll counts over the whole cell (polling transports only)
 * @param memoryPoints   the GC'd readings of both processes at rising connection counts while ramping ({@code up})
 *                       and at falling ones after the window ({@code down})
 * @param path           what stood between the load generator and the server: a proxy and its configuration;
 *                       absent when the client spoke to the server directly
 * @param resilience     how often subscribers' connections ended unasked, why, and how they came back
 * @param link           the emulated link the cell's connections crossed (the relay's shaping); absent on loopback as is
 * @param faults         the faults the runner applied, in order, with when they took effect
 * @param capacity       a capacity search's outcome ({@code search} in the scenario): the largest load that met the SLO,
 *                       what bounded it and every step; the cell's other figures are those of its capacity point
 * @param agents         a cluster's cell ({@code pushbench run --cluster}): each load agent's share and figures, its
 *                       clock against the serving agent's; the cell's own figures are merged from theirs
 */
public record CellResult(
        @Required Cell cell,
        @Required String name,
        Integer repeat,
        @Required CellStatus status,
        String reason,
        String startedAt,
        Clock clock,
        Verify verify,
        Connections connections,
        Delivery delivery,
        HistogramSummary latencyMicros,
        HistogramSummary latencyActualMicros,
        HistogramSummary connectMicros,
        HistogramSummary tcpConnectMicros,
        HistogramSummary connectCallMicros,
        HistogramSummary tlsHandshakeMicros,
        HistogramSummary pollMicros,
        Polling polling,
        Window window,
        Loadgen loadgen,
        String finishedAt,
        Double durationSeconds,
        Costs costs,
        List<MemoryPoint> memoryPoints,
        Server server,
        PathInfo path,
        Resilience resilience,
        Link link,
        List<Fault> faults,
        Upstream upstream,
        Capacity capacity,
        List<AgentShare> agents) {

    /** On one machine: no agents. */
    public CellResult(Cell cell, String name, Integer repeat, CellStatus status, String reason, String startedAt,
                      Clock clock, Verify verify, Connections connections, Delivery delivery, HistogramSummary latencyMicros,
                      HistogramSummary latencyActualMicros, HistogramSummary connectMicros, HistogramSummary tcpConnectMicros,
                      HistogramSummary connectCallMicros, HistogramSummary tlsHandshakeMicros, HistogramSummary pollMicros,
                      Polling polling, Window window, Loadgen loadgen, String finishedAt, Double durationSeconds, Costs costs,
                      List<MemoryPoint> memoryPoints, Server server, PathInfo path, Resilience resilience, Link link,
                      List<Fault> faults, Upstream upstream, Capacity capacity) {
        this(cell, name, repeat, status, reason, startedAt, clock, verify, connections, delivery, latencyMicros,
                latencyActualMicros, connectMicros, tcpConnectMicros, connectCallMicros, tlsHandshakeMicros, pollMicros,
                polling, window, loadgen, finishedAt, durationSeconds, costs, memoryPoints, server, path, resilience,
                link, faults, upstream, capacity, null);
    }

    /** This cell with its load agents' shares. */
    public CellResult withAgents(List<AgentShare> shares) {
        return new CellResult(cell, name, repeat, status, reason, startedAt, clock, verify, connections,
                delivery, latencyMicros, latencyActualMicros, connectMicros, tcpConnectMicros, connectCallMicros,
                tlsHandshakeMicros, pollMicros, polling, window, loadgen, finishedAt, durationSeconds, costs, memoryPoints,
                server, path, resilience, link, faults, upstream, capacity, shares);
    }

    /** No capacity search. */
    public CellResult(Cell cell, String name, Integer repeat, CellStatus status, String reason, String startedAt,
                      Clock clock, Verify verify, Connections connections, Delivery delivery, HistogramSummary latencyMicros,
                      HistogramSummary latencyActualMicros, HistogramSummary connectMicros, HistogramSummary tcpConnectMicros,
                      HistogramSummary connectCallMicros, HistogramSummary tlsHandshakeMicros, HistogramSummary pollMicros,
                      Polling polling, Window window, Loadgen loadgen, String finishedAt, Double durationSeconds, Costs costs,
                      List<MemoryPoint> memoryPoints, Server server, PathInfo path, Resilience resilience, Link link,
                      List<Fault> faults, Upstream upstream) {
        this(cell, name, repeat, status, reason, startedAt, clock, verify, connections, delivery, latencyMicros,
                latencyActualMicros, connectMicros, tcpConnectMicros, connectCallMicros, tlsHandshakeMicros, pollMicros,
                polling, window, loadgen, finishedAt, durationSeconds, costs, memoryPoints, server, path, resilience,
                link, faults, upstream, null);
    }

    /** This cell as the capacity point of a search: its own figures, the search's outcome beside them. */
    public CellResult withCapacity(String cellName, Integer cellRepeat, CellStatus cellStatus, String cellReason,
                                   Double cellSeconds, Capacity c) {
        return new CellResult(cell, cellName, cellRepeat, cellStatus, cellReason, startedAt, clock, verify, connections,
                delivery, latencyMicros, latencyActualMicros, connectMicros, tcpConnectMicros, connectCallMicros,
                tlsHandshakeMicros, pollMicros, polling, window, loadgen, finishedAt, cellSeconds, costs, memoryPoints,
                server, path, resilience, link, faults, upstream, c, agents);
    }

    /** One-way: no {@code upstream}. */
    public CellResult(Cell cell, String name, Integer repeat, CellStatus status, String reason, String startedAt,
                      Clock clock, Verify verify, Connections connections, Delivery delivery, HistogramSummary latencyMicros,
                      HistogramSummary latencyActualMicros, HistogramSummary connectMicros, HistogramSummary tcpConnectMicros,
                      HistogramSummary connectCallMicros, HistogramSummary tlsHandshakeMicros, HistogramSummary pollMicros,
                      Polling polling, Window window, Loadgen loadgen, String finishedAt, Double durationSeconds, Costs costs,
                      List<MemoryPoint> memoryPoints, Server server, PathInfo path, Resilience resilience, Link link,
                      List<Fault> faults) {
        this(cell, name, repeat, status, reason, startedAt, clock, verify, connections, delivery, latencyMicros,
                latencyActualMicros, connectMicros, tcpConnectMicros, connectCallMicros, tlsHandshakeMicros, pollMicros,
                polling, window, loadgen, finishedAt, durationSeconds, costs, memoryPoints, server, path, resilience,
                link, faults, null, null);
    }

    /** Before links and faults: both absent. */
    public CellResult(Cell cell, String name, Integer repeat, CellStatus status, String reason, String startedAt,
                      Clock clock, Verify verify, Connections connections, Delivery delivery, HistogramSummary latencyMicros,
                      HistogramSummary latencyActualMicros, HistogramSummary connectMicros, HistogramSummary tcpConnectMicros,
                      HistogramSummary connectCallMicros, HistogramSummary tlsHandshakeMicros, HistogramSummary pollMicros,
                      Polling polling, Window window, Loadgen loadgen, String finishedAt, Double durationSeconds, Costs costs,
                      List<MemoryPoint> memoryPoints, Server server, PathInfo path, Resilience resilience) {
        this(cell, name, repeat, status, reason, startedAt, clock, verify, connections, delivery, latencyMicros,
                latencyActualMicros, connectMicros, tcpConnectMicros, connectCallMicros, tlsHandshakeMicros, pollMicros,
                polling, window, loadgen, finishedAt, durationSeconds, costs, memoryPoints, server, path, resilience,
                null, null, null, null);
    }

    /** Before a path and resilience were measured: both absent. */
    public CellResult(Cell cell, String name, Integer repeat, CellStatus status, String reason, String startedAt,
                      Clock clock, Verify verify, Connections connections, Delivery delivery, HistogramSummary latencyMicros,
                      HistogramSummary latencyActualMicros, HistogramSummary connectMicros, HistogramSummary tcpConnectMicros,
                      HistogramSummary connectCallMicros, HistogramSummary tlsHandshakeMicros, HistogramSummary pollMicros,
                      Polling polling, Window window, Loadgen loadgen, String finishedAt, Double durationSeconds, Costs costs,
                      List<MemoryPoint> memoryPoints, Server server) {
        this(cell, name, repeat, status, reason, startedAt, clock, verify, connections, delivery, latencyMicros,
                latencyActualMicros, connectMicros, tcpConnectMicros, connectCallMicros, tlsHandshakeMicros, pollMicros,
                polling, window, loadgen, finishedAt, durationSeconds, costs, memoryPoints, server, null, null, null, null,
                null, null);
    }

    /**
     * Which stack serves which transport over which protocol (scenario ids, e.g. {@code jetty}, {@code sse},
     * {@code h2c}), and on which path.
     *
     * @param path          {@code none} (the client speaks to the server), or the proxy and its profile,
     *                      e.g. {@code nginx-stock}, {@code haproxy-push}; absent in older results: {@code none}
     * @param sseProxyHints SSE cells: whether the server sent {@code X-Accel-Buffering: no}; absent for other transports
     * @param network       the emulated link's id ({@code 4g}, {@code custom}, ...); absent or {@code none}: loopback as is
     */
    public record Cell(String stack, String transport, String protocol, String path, Boolean sseProxyHints, String network) {

        public Cell(String stack, String transport, String protocol) {
            this(stack, transport, protocol, null, null, null);
        }

        public Cell(String stack, String transport, String protocol, String path, Boolean sseProxyHints) {
            this(stack, transport, protocol, path, sseProxyHints, null);
        }

        /** True if the cell's connections crossed an emulated link. */
        public boolean shaped() {
            return network != null && !network.equals("none");
        }

        /** True if a proxy stood between client and server. */
        public boolean proxied() {
            return path != null && !path.equals("none");
        }
    }

    /**
     * The proxy a cell ran through: which one, how it was configured, and what each side of it spoke.
     *
     * @param proxy             {@code nginx} or {@code haproxy}
     * @param profile           {@code stock} (the distribution's defaults for a plain proxy) or {@code push}
     *                          (configured for streaming and WebSocket)
     * @param version           the proxy's own version line
     * @param configFile        the generated configuration, in the cell's directory
     * @param clientProtocol    what the load generator spoke to the proxy: the cell's protocol
     * @param upstreamProtocol  what the proxy spoke to the server ({@code http1.0} or {@code http1.1}, cleartext)
     * @param idleTimeoutMillis the shortest idle timeout on a stream's way through the proxy: a quieter stream is cut
     */
    public record PathInfo(String proxy, String profile, String version, String configFile, String clientProtocol,
                           String upstreamProtocol, Long idleTimeoutMillis) {
    }

    /**
     * Subscribers' connections that ended without being asked to, over the whole cell after the ramp, and how
     * the subscribers came back: as a browser does (SSE after {@code retry:} with {@code Last-Event-ID},
     * WebSocket and polling from their cursor).
     *
     * @param disconnects              live connections that ended unasked
     * @param reconnects               connections opened again after one ended (or failed to open)
     * @param resumeMicros             from the moment a subscriber saw its stream end (or, when a recorded fault hit
     *                                 its connection, from the fault) to the first event after it resumed: detection,
     *                                 the reconnect delay, the new connect and the wait for the next event
     * @param lostAcrossReconnect      events a subscriber never got because a resume started after them
     * @param duplicatedAcrossReconnect events a subscriber got twice because a resume started before its last one
     * @param cutsByCause              the disconnects by why they ended
     * @param timeToDetectMicros       from a fault that hit a subscriber's connection to the subscriber seeing it
     *                                 end (a reset, its own dead-connection timer, a failed read)
     * @param faultedConnections       subscriber connections hit by a recorded fault
     * @param lateAcrossReconnect      events delivered after a resume that were due while the subscriber was cut off
     * @param staleSeconds             summed over subscribers: from each fault that hit them to their first event
     *                                 after it (the time a user looked at a stale screen)
     * @param reconnectPeakPerSecond   at the server, the most new subscriptions in one second after the ramp
     * @param lostInOutage             events never published because the server was down (restart), times their
     *                                 subscribers: lost to every transport, whatever it resumes with
     * @param byFault                  the hits, detection and stale time of each kind of fault apart
     */
    public record Resilience(Long disconnects, Long reconnects, HistogramSummary resumeMicros, Long lostAcrossReconnect,
                             Long duplicatedAcrossReconnect, CutsByCause cutsByCause, HistogramSummary timeToDetectMicros,
                             Long faultedConnections, Long lateAcrossReconnect, Double staleSeconds,
                             Long reconnectPeakPerSecond, Long lostInOutage, List<FaultRecovery> byFault) {

        /** Without faults: their figures absent. */
        public Resilience(Long disconnects, Long reconnects, HistogramSummary resumeMicros, Long lostAcrossReconnect,
                          Long duplicatedAcrossReconnect, CutsByCause cutsByCause) {
            this(disconnects, reconnects, resumeMicros, lostAcrossReconnect, duplicatedAcrossReconnect, cutsByCause,
                    null, null, null, null, null, null, null);
        }

        /** Without the breakdown by fault. */
        public Resilience(Long disconnects, Long reconnects, HistogramSummary resumeMicros, Long lostAcrossReconnect,
                          Long duplicatedAcrossReconnect, CutsByCause cutsByCause, HistogramSummary timeToDetectMicros,
                          Long faultedConnections, Long lateAcrossReconnect, Double staleSeconds,
                          Long reconnectPeakPerSecond, Long lostInOutage) {
            this(disconnects, reconnects, resumeMicros, lostAcrossReconnect, duplicatedAcrossReconnect, cutsByCause,
                    timeToDetectMicros, faultedConnections, lateAcrossReconnect, staleSeconds, reconnectPeakPerSecond,
                    lostInOutage, null);
        }

        /** The server's side, known only to the runner: the peak of new subscriptions per second and the outage's loss. */
        public Resilience withServer(Long peakPerSecond, Long outageLoss) {
            return new Resilience(disconnects, reconnects, resumeMicros, lostAcrossReconnect, duplicatedAcrossReconnect,
                    cutsByCause, timeToDetectMicros, faultedConnections, lateAcrossReconnect, staleSeconds, peakPerSecond,
                    outageLoss, byFault);
        }
    }

    /**
     * What one kind of fault cost the subscribers it hit: a cell's faults of different kinds are noticed in very
     * different times (a reset at once, a blackhole only by the dead-connection timer), which one histogram over
     * all of them would blur.
     *
     * @param fault              {@code cut-reset}, {@code cut-drop}, {@code blackhole}, {@code restart}, {@code proxy-reload}
     * @param hits               subscriber connections it hit
     * @param timeToDetectMicros from the fault to the subscriber seeing its connection end, for the hits that ended
     * @param staleSeconds       from the fault to each hit subscriber's first fresh event, summed
     */
    public record FaultRecovery(String fault, Long hits, HistogramSummary timeToDetectMicros, Double staleSeconds) {
    }

    /**
     * Two-way cells: what the subscribers published and how it came back. Every published message is also an event
     * of its room, counted in {@code delivery} and {@code latencyMicros} for every receiver, from the sender's
     * intended send time.
     *
     * @param published                   messages the subscribers sent in the window (by intended send time)
     * @param acked                       of those, acknowledged by the server with a seq
     * @param failed                      of those, refused (a 4xx/5xx answer or an in-band nack) or never answered
     *                                    because the connection carrying them ended
     * @param ackMicros                   from the intended send time to the server's acknowledgement (the POST's
     *                                    answer, or the in-band ack frame) arriving
     * @param echoMicros                  from the intended send time to the sender's own copy arriving on its stream
     * @param bytesUpPerMessage           bytes the load generator wrote in the window (requests, frames, polls,
     *                                    TLS) ÷ messages published in it
     * @param connectionsPerClient        connections each subscribing and publishing client held at once: 2 for SSE
     *                                    or polling with a separate POST connection (HTTP/1.1), 1 when the POST shares
     *                                    the stream's connection (HTTP/2) or WebSocket publishes in-band
     * @param upstreamPath                how messages went up: {@code post-separate-connection},
     *                                    {@code post-same-connection} or {@code websocket-in-band}
     * @param serverCpuMicrosPerPublished the server's CPU in the window ÷ messages published in it
     * @param serverCpuMicrosPerDelivered the server's CPU in the window ÷ messages delivered in it (the same CPU,
     *                                    spread over the fan-out)
     */
    public record Upstream(Long published, Long acked, Long failed, HistogramSummary ackMicros,
                           HistogramSummary echoMicros, Double bytesUpPerMessage, Double connectionsPerClient,
                           String upstreamPath, Double serverCpuMicrosPerPublished,
                           Double serverCpuMicrosPerDelivered) {
        public static final String POST_SEPARATE = "post-separate-connection";
        public static final String POST_SAME = "post-same-connection";
        public static final String IN_BAND = "websocket-in-band";

        /** With the server's CPU per message, which only the runner knows. */
        public Upstream withServerCpu(Double perPublished, Double perDelivered) {
            return new Upstream(published, acked, failed, ackMicros, echoMicros, bytesUpPerMessage, connectionsPerClient,
                    upstreamPath, perPublished, perDelivered);
        }
    }

    /**
     * The link a cell's connections crossed: the relay ({@code pushbench relay}) between the load generator and the
     * server (or its proxy) shaped each connection in both directions as configured here.
     *
     * @param id                 the preset's id ({@code lan}, {@code broadband}, {@code 4g}, {@code 3g},
     *                           {@code satellite}), or {@code custom} when set by hand
     * @param rttMillis          round trip added, half each way
     * @param jitterMillis       each segment's delay varies by up to this much either way (order is kept, as TCP would)
     * @param downBitsPerSecond  server → client, per connection (token bucket); absent: unlimited
     * @param upBitsPerSecond    client → server, per connection; absent: unlimited
     * @param stallEverySeconds  mean time between a connection's stalls (exponentially drawn); absent: none
     * @param stallMillis        how long a stall holds every byte of the connection, both ways
     * @param mtu                the segment size the relay writes in, headers counted against the bandwidth
     */
    public record Link(String id, Double rttMillis, Double jitterMillis, Long downBitsPerSecond, Long upBitsPerSecond,
                       Double stallEverySeconds, Double stallMillis, Integer mtu) {
    }

    /**
     * One fault the runner applied.
     *
     * @param type           {@code cut}, {@code blackhole}, {@code restart} or {@code proxy-reload}
     * @param mode           a cut's {@code reset} (RST both ways) or {@code drop} (no FIN: the client hears nothing)
     * @param plannedSeconds when it was planned, in seconds after the measured window began
     * @param atNanos        when it took effect, on the shared clock ({@code System.nanoTime()})
     * @param connections    client connections it hit (all live ones for a restart or a reload)
     * @param downMillis     a restart: from the old server's stop to the new one listening
     * @param note           anything the runner saw while applying it
     */
    public record Fault(String type, String mode, Double plannedSeconds, Long atNanos, Long connections, Double downMillis,
                        String note) {
    }

    /**
     * Why connections ended, as the client could tell.
     *
     * @param idleTimeout a connection that had read nothing for at least the path's idle timeout
     *                    ({@link PathInfo#idleTimeoutMillis}) before it ended
     * @param serverClose the stream ended the protocol's way: the last chunk, a close frame, END_STREAM, a
     *                    complete body followed by the close
     * @param proxyClose  through a proxy: the connection ended mid-stream (EOF without the protocol's end, a
     *                    reset, RST_STREAM, GOAWAY) before an idle timeout could explain it
     * @param error       anything else: an I/O error, a protocol error, a failed reconnect, a cut without a proxy
     */
    public record CutsByCause(Long idleTimeout, Long serverClose, Long proxyClose, Long error) {
    }

    /** The same-clock check of this cell's server: its {@code System.nanoTime()} lay between the runner's two readings. */
    public record Clock(Boolean ok, Long runnerBeforeNanos, Long serverNanos, Long runnerAfterNanos) {
    }

    /** The quick conformance check run against the server before it was measured. */
    public record Verify(Boolean passed, List<String> failures) {
    }

    /**
     * @param connected            subscriptions live by the end of the ramp
     * @param subscriptions        subscriptions opened, reconnects included
     * @param tcpConnectionsOpened TCP connections the client opened (warm-up and polling reconnects included)
     * @param rampSeconds          from the first planned start until all were live (or the ramp timed out),
     *                             the ramp's pauses for memory points left out
     * @param rampPlannedSeconds   what the ramp's schedule planned for the same: connections ÷ rampRate
     * @param rampConnects         subscriptions the ramp planned (one connect each)
     * @param lateRampConnects     of those, the ones whose connect call started {@code lateRampConnectMillis}
     *                             or more after their plan: the generator, not the server, was behind
     * @param lateRampConnectMillis the lateness from which a ramp connect counts as late
     * @param maxRampConnectLateMillis the latest start of a ramp connect after its plan
     * @param sourceAddresses      the local addresses the connections were bound to, round-robin; empty: the kernel picked
     */
    public record Connections(Long target, Long connected, Long connectFailures, Long disconnects, Long reconnects,
                              Long subscriptions, Long tcpConnectionsOpened, Double rampSeconds, Double rampPlannedSeconds,
                              Long rampConnects, Long lateRampConnects, Double lateRampConnectMillis,
                              Double maxRampConnectLateMillis, List<String> sourceAddresses) {

        /** Only the counts and the ramp's length, the schedule figures and source addresses absent. */
        public Connections(Long target, Long connected, Long connectFailures, Long disconnects, Long reconnects,
                           Long subscriptions, Long tcpConnectionsOpened, Double rampSeconds) {
            this(target, connected, connectFailures, disconnects, reconnects, subscriptions, tcpConnectionsOpened,
                    rampSeconds, null, null, null, null, null, null);
        }
    }

    /**
     * Events of the measured window (by intended publish time), counted per subscriber against the
     * schedule when the drain ends.
     *
     * @param late owed events still in flight at the drain's end, behind the highest one seen: not lost, not delivered
     */
    public record Delivery(Long expected, Long delivered, Long lost, Long late, Long duplicated, Long reordered,
                           Long subscribersWithLoss, Long scheduleMismatches) {
    }

    /** Poll requests over the whole cell and the share answered with no event. */
    public record Polling(Long requests, Long emptyAnswers, Double emptyResponseRatio) {
    }

    /**
     * The measured window on the load generator's clock ({@code System.nanoTime()}, shared with the server).
     *
     * @param drainSeconds how long the drain took: at most {@code drainLimitSeconds}, shorter once nothing was owed
     */
    public record Window(Long startNanos, Long endNanos, Double warmupSeconds, Double measureSeconds,
                         Double drainSeconds, Double drainLimitSeconds) {
    }

    /**
     * The load generator's health over the measured window: whether its timestamps can be trusted.
     *
     * @param cpuPercent        its CPU over the window, 100 per core
     * @param saturated         the cell's figures may include the generator's own delay (see {@code saturatedBecause})
     * @param clampedValues     values above the histograms' range, recorded at the range's top
     * @param engine            the client engine's id ({@code jetty}, {@code nio})
     * @param client            the client library and version
     * @param process           the load generator's reading of itself at the end
     * @param serverCpuPercent  the server's CPU over the same window
     * @param machineCpuPercent both together, of {@code 100 × cores}
     * @param saturatedBecause  every cause found, joined by "; "
     * @param scheduledSends    sends the generator planned on its own timer inside the measured window:
     *                          short polls (the ramp is before it)
     * @param lateSends         of those, the ones its timer ran {@code lateSendMillis} or more after their plan
     * @param maxLateMillis     the latest of them
     * @param delayMicros       the generator's own stalls over the window: how late a thread of it that asks to wake
     *                          every millisecond woke (GC pauses, a CPU it did not get), weighted by time as a delivery
     *                          would meet them; an event read during a stall is timestamped late by up to this much
     */
    public record Loadgen(Double cpuSecondsInWindow, Double cpuPercent, Integer cores, Boolean saturated,
                          Long protocolErrors, Long clampedValues, String lastError, String engine, String client,
                          ProcessSnapshot process, Double serverCpuPercent, Double machineCpuPercent,
                          String saturatedBecause, Long scheduledSends, Long lateSends, Double lateSendMillis,
                          Double maxLateMillis, HistogramSummary delayMicros) {

        /** Without the stall meter. */
        public Loadgen(Double cpuSecondsInWindow, Double cpuPercent, Integer cores, Boolean saturated,
                       Long protocolErrors, Long clampedValues, String lastError, String engine, String client,
                       ProcessSnapshot process, Double serverCpuPercent, Double machineCpuPercent,
                       String saturatedBecause, Long scheduledSends, Long lateSends, Double lateSendMillis,
                       Double maxLateMillis) {
            this(cpuSecondsInWindow, cpuPercent, cores, saturated, protocolErrors, clampedValues, lastError, engine, client,
                    process, serverCpuPercent, machineCpuPercent, saturatedBecause, scheduledSends, lateSends, lateSendMillis,
                    maxLateMillis, null);
        }

        public Loadgen withProcess(ProcessSnapshot p) {
            return new Loadgen(cpuSecondsInWindow, cpuPercent, cores, saturated, protocolErrors, clampedValues, lastError,
                    engine, client, p, serverCpuPercent, machineCpuPercent, saturatedBecause, scheduledSends, lateSends,
                    lateSendMillis, maxLateMillis, delayMicros);
        }

        public Loadgen withMachine(Double serverCpu, Double machineCpu, Boolean isSaturated, String because) {
            return new Loadgen(cpuSecondsInWindow, cpuPercent, cores, isSaturated, protocolErrors, clampedValues, lastError,
                    engine, client, process, serverCpu, machineCpu, because, scheduledSends, lateSends, lateSendMillis,
                    maxLateMillis, delayMicros);
        }
    }

    /** The cost ledger: what each side spent per delivered message and per connection, and what crossed the wire. */
    public record Costs(ProcessCosts server, ProcessCosts loadgen, Wire wire, PollingCosts polling, ProxyCosts proxy,
                        ProxyCosts relay) {

        public Costs(ProcessCosts server, ProcessCosts loadgen, Wire wire, PollingCosts polling) {
            this(server, loadgen, wire, polling, null, null);
        }

        public Costs(ProcessCosts server, ProcessCosts loadgen, Wire wire, PollingCosts polling, ProxyCosts proxy) {
            this(server, loadgen, wire, polling, proxy, null);
        }

        public Costs withProxy(ProxyCosts p) {
            return new Costs(server, loadgen, wire, polling, p, relay);
        }

        /** The link relay's processes' costs, counted as neither the server's nor the generator's. */
        public Costs withRelay(ProxyCosts r) {
            return new Costs(server, loadgen, wire, polling, proxy, r);
        }
    }

    /**
     * What the proxy's processes (master and workers) spent, read from {@code /proc} the same way as the server's.
     *
     * @param cpuMicrosPerMessage   their CPU over the measured window ÷ messages delivered in it
     * @param cpuPercent            their CPU over the window, 100 per core
     * @param rssBytesPerConnection resident set, before the ramp → all connected, ÷ connections: an upper bound
     * @param rssBytesIdle          their resident set before the ramp
     * @param rssBytesAtLoad        their resident set with every connection live
     * @param processes             how many processes the proxy ran
     */
    public record ProxyCosts(Double cpuMicrosPerMessage, Double cpuPercent, Long rssBytesPerConnection, Long rssBytesIdle,
                             Long rssBytesAtLoad, Integer processes) {
    }

    /**
     * One process's costs. A memory figure is never negative: one whose measurement was inconclusive
     * (a negative slope, too few settled points) is absent, and {@code memoryNote} says why; the raw
     * readings stay in {@link CellResult#memoryPoints()}.
     *
     * @param cpuMicrosPerMessage        CPU over the measured window ÷ messages delivered in it
     * @param heapBytesPerConnection     server: the larger of {@code heapBytesPerConnectionUp} and
     *                                   {@code heapBytesPerConnectionDown}; load generator: idle → all
     *                                   connected (after GC)
     * @param heapBytesPerConnectionUp   server: median slope between neighbouring memory points taken while
     *                                   ramping (0, ¼N … N, all live, after GC), the topics' history taken out
     * @param heapBytesPerConnectionDown server: the same over the points taken while closing after the window
     *                                   (N, ¾N … 0); misses what a connection leaves behind when it closes
     * @param directBytesPerConnection   direct buffers: the larger of the two sweeps' median slopes
     * @param rssBytesPerConnection      resident set, idle → all connected: an upper bound
     * @param threadsAtLoad              threads with every connection live
     * @param memoryNote                 why a memory figure is absent ("… not measurable here: …") or doubtful, when it is
     */
    public record ProcessCosts(Double cpuMicrosPerMessage, Long heapBytesPerConnection, Long heapBytesPerConnectionUp,
                               Long heapBytesPerConnectionDown, Long directBytesPerConnection,
                               Long rssBytesPerConnection, Integer threadsAtLoad, String memoryNote) {

        /** Only the CPU figure: the load generator's side as it reports it. */
        public static ProcessCosts ofCpu(Double cpuMicrosPerMessage) {
            return new ProcessCosts(cpuMicrosPerMessage, null, null, null, null, null, null, null);
        }

        public ProcessCosts withCpu(Double cpu) {
            return new ProcessCosts(cpu, heapBytesPerConnection, heapBytesPerConnectionUp, heapBytesPerConnectionDown,
                    directBytesPerConnection, rssBytesPerConnection, threadsAtLoad, memoryNote);
        }
    }

    /**
     * Bytes the load generator's sockets read (down) and wrote (up) in the window: framing, TLS, heartbeats, polls;
     * and the {@code read()} calls that brought bytes, when the engine counts them (nio): bytes down per read above
     * one message's size means reads carried several messages each.
     */
    public record Wire(Double bytesDownPerMessage, Double bytesUpPerMessage, Long bytesDownInWindow, Long bytesUpInWindow,
                       Long readsInWindow) {
    }

    /** Poll requests in the window per delivered message, and the share of them answered empty. */
    public record PollingCosts(Double requestsPerMessage, Double emptyResponseRatio, Long requestsInWindow) {
    }

    /**
     * Both processes read at one connection count, the server after a GC.
     *
     * @param settled            false when the server had not yet seen that many connections open (up) or
     *                           closed (down) within 10 s (left out of the slope)
     * @param serverPublished    events the server had published by then
     * @param serverHistoryBytes heap its topics' history held then (taken out of the server's slope)
     * @param sweep              {@code up}: the ramp paused there, before the window; {@code down} (or absent,
     *                           in older results): subscribers closed down to there, after the window
     */
    public record MemoryPoint(Long connections, Boolean settled, ProcessSnapshot server, Long serverPublished,
                              Long serverHistoryBytes, ProcessSnapshot loadgen, String sweep) {
        public static final String UP = "up";
        public static final String DOWN = "down";

        /** Taken while ramping, before the window. */
        public boolean whileRamping() {
            return UP.equals(sweep);
        }
    }

    /**
     * The server's side: what it is, what it published and counted, and its readings of itself.
     *
     * @param listenerFailures  feed deliveries to a subscriber that threw
     * @param publisherLagMicros how late the feed published each event after its intended time
     */
    public record Server(String description, Long published, HistogramSummary publisherLagMicros, ServerCounts counters,
                         Long listenerFailures, ServerReadings process) {
    }

    /** The server's readings of itself: at idle (after GC, before the ramp), at the window's edges, and at the end. */
    public record ServerReadings(ProcessSnapshot idle, ProcessSnapshot measureStart, ProcessSnapshot measureEnd,
                                 ProcessSnapshot end) {
    }

    /**
     * A capacity search's outcome: the largest value of {@code variable} at which the cell met its SLO, found by
     * doubling from the start until a step failed, then bisecting; the passing step nearest the boundary was run
     * {@code confirmations} times and passed every time. Every step is a whole cell (ramp, warm-up, window, drain) on
     * fresh JVMs; its files are under {@code steps/} in the cell's directory.
     *
     * @param variable      {@code clients.connections}, {@code feed.rate} (events per second per topic) or
     *                      {@code feed.payload} (bytes)
     * @param value         the largest value that met the SLO in every run of it; absent when none did
     * @param boundBy       what ended the search: {@code slo} (the next value up failed it: {@code value} is the
     *                      capacity), {@code generator} (the load generator could not deliver the next step's plan:
     *                      the capacity is at least {@code value}), {@code fileLimit} (the next value would pass the
     *                      per-process open-file limit: at least {@code value}), {@code max} (the search's own
     *                      upper bound, or a value the scenario's rules or the children's heaps cannot run: at least
     *                      {@code value}) or {@code budget} (time ran out: at least {@code value})
     * @param display       {@code value} as a reader should read it: "4,800", "≥ 19,744 (limit: open files)",
     *                      "≥ 6,000 (generator-bound)"; with no value, "< 100 (fails the SLO at the lowest value
     *                      tried)" or "unknown (generator-bound at 200)"
     * @param slo           what a step had to meet
     * @param resolution    the bisection stopped when the failing value was within this share above the passing one
     * @param confirmations runs of the boundary value, all of which passed
     * @param failedAt      the lowest value that failed the SLO; absent when none did
     * @param steps         every step in the order run
     * @param unitCost      the server's cost at the capacity point, per unit of load
     * @param note          why the search ended as it did, in a sentence
     */
    public record Capacity(@Required String variable, Double value, @Required String boundBy, String display, Slo slo,
                           Double resolution, Integer confirmations, Double failedAt, List<CapacityStep> steps,
                           UnitCost unitCost, String note) {
    }

    /**
     * What a capacity step had to meet.
     *
     * @param p99Micros        delivery latency's p99, from each event's intended publish time, at most this
     * @param lost             events lost at most this many (0: none)
     * @param serverCpuPercent the server's CPU over the window at most this, 100 per core; absent: not a condition
     */
    public record Slo(Double p99Micros, Long lost, Double serverCpuPercent) {
    }

    /**
     * One step of a capacity search: one whole cell at one value.
     *
     * @param value             the variable's value
     * @param passed            it met the SLO, and the load generator delivered its plan
     * @param valid             the load generator delivered its plan: opened every subscriber, was not saturated and
     *                          did not stall; a step that is not valid says nothing about the server
     * @param p50Micros         delivery latency's median, from the intended time
     * @param p99Micros         delivery latency's p99, from the intended time
     * @param lost              events lost
     * @param serverCpuPercent  the server's CPU over the window, 100 per core
     * @param loadgenCpuPercent the load generator's CPU over the window, 100 per core
     * @param loadgenDelayP99Micros the load generator's own stalls' p99 ({@link Loadgen#delayMicros})
     * @param saturated         the cell's saturation flag ({@link Loadgen#saturated}), any cause
     * @param deliveredPerSecond events delivered per second of the window
     * @param reason            why it failed or is not valid, in a sentence; absent when it passed
     * @param dir               its directory, relative to the cell's ({@code steps/03-4800})
     */
    public record CapacityStep(Double value, Boolean passed, Boolean valid, Double p50Micros, Double p99Micros, Long lost,
                               Double serverCpuPercent, Double loadgenCpuPercent, Double loadgenDelayP99Micros,
                               Boolean saturated, Double deliveredPerSecond, String reason, String dir) {
    }

    /**
     * The server's cost at the capacity point, per unit of load: what {@code value} of the variable used, scaled.
     * On one machine the server and the load generator share the cores; {@code serverShareOfCpu} says how much of
     * the CPU used in the window was the server's.
     *
     * @param unit             {@code 10,000 subscribers} (variable {@code clients.connections}) or
     *                         {@code 100,000 events/s} (events delivered per second, for the feed's variables)
     * @param units            how many units the capacity point is
     * @param serverCores      the server's CPU over the window, in cores, ÷ units
     * @param serverHeapGiB    the server's heap after GC with every subscriber live, in GiB, ÷ units: the whole heap
     *                         at that density, its idle part included
     * @param serverHeapGiBMarginal the server's heap per connection (the memory sweep's slope) × the unit's
     *                         subscribers, in GiB: what one more unit adds; absent when the slope was not measured
     * @param serverShareOfCpu the server's CPU ÷ the server's and the load generator's together, over the window
     */
    public record UnitCost(String unit, Double units, Double serverCores, Double serverHeapGiB,
                           Double serverHeapGiBMarginal, Double serverShareOfCpu) {
    }

    /**
     * One load agent's part of a cluster's cell.
     *
     * @param agent        the agent's name ({@code pushbench agent --name})
     * @param host         the address it bound to
     * @param subscribers  the subscribers it ran (its share of {@code clients.connections})
     * @param delivery     its subscribers' integrity; the cell's is the sum over agents
     * @param latencyMicros its own delivery latency, corrected by its clock offset; the cell's comes from the agents'
     *                     histograms added, never from these percentiles
     * @param connections  its connects, failures and ramp
     * @param loadgen      its load generator's CPU and saturation
     * @param costs        its load generator's side of the ledger
     * @param clock        its clock against the serving agent's
     * @param intervals    interval histograms it streamed; their counts add up to its own totals
     */
    public record AgentShare(@Required String agent, String host, Long subscribers, Delivery delivery,
                             HistogramSummary latencyMicros, Connections connections, Loadgen loadgen, Costs costs,
                             AgentClock clock, Long intervals) {
    }

    /**
     * A load agent's clock against the serving agent's, estimated NTP style: request/response exchanges over the
     * event bus and over a plain TCP socket, the lowest round trips kept; the serving agent's {@code System.nanoTime()}
     * is taken to be read halfway through the exchange, so the offset is known to within half that round trip.
     *
     * @param offsetMicros          how far the server's clock reads ahead of the agent's (before the window); the
     *                              agent's latencies are corrected by it
     * @param errorMicros           the bound on the offset's error: half the kept exchange's round trip
     * @param offsetAfterMicros     the same estimate after the window
     * @param errorAfterMicros      its error bound
     * @param driftMicrosPerSecond  (after − before) ÷ the seconds between them: the clocks' rates differing
     * @param samples               exchanges made (before and after, both carriers)
     * @param via                   the carrier of the kept exchange: {@code tcp} or {@code event-bus}
     * @param eventBusErrorMicros   the event bus's best half round trip, for comparison
     * @param flagged               {@link #boundMicros()} exceeds 10 % of the agent's latency p50: the latencies
     *                              are not trustworthy to that precision
     */
    public record AgentClock(Double offsetMicros, Double errorMicros, Double offsetAfterMicros, Double errorAfterMicros,
                             Double driftMicrosPerSecond, Integer samples, String via, Double eventBusErrorMicros,
                             Boolean flagged) {

        /**
         * How far the offset the latencies were corrected by (the estimate before the window) may be from
         * the true offset at any moment of the window: its own error bound at the start, and at the end
         * the distance to the estimate after the window plus that one's bound (a drift between the clocks
         * shows there). The larger of the two; null when neither estimate has a bound.
         */
        public Double boundMicros() {
            Double atEnd = offsetAfterMicros == null || errorAfterMicros == null || offsetMicros == null ? null
                    : Math.abs(offsetAfterMicros - offsetMicros) + errorAfterMicros;
            if (errorMicros == null) {
                return atEnd;
            }
            return atEnd == null ? errorMicros : Math.max(errorMicros, atEnd);
        }
    }
}
