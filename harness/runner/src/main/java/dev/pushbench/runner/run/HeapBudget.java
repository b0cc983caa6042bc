package dev.pushbench.runner.run;

import dev.pushbench.core.Event;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.loadgen.ClientEngineKind;
import java.util.List;
import java.util.Locale;

/**
 * Whether a scenario's server and load generator can fit their JVMs' heaps, checked before anything
 * starts, so that a scenario that cannot (a million topics, 16 MiB events) stops with the arithmetic
 * and the option that raises the heap instead of a child dying of {@code OutOfMemoryError} mid-run.
 *
 * <pre>
 *   HeapBudget.check(feed, connections, engine, childJvmOptions, serverExtraOptions, loadgenExtraOptions);
 * </pre>
 *
 * <p>The server holds every topic's history (each event's SSE frame and the JSON text a WebSocket
 * stack asks for, as {@link Event#retainedBytes()} counts them) and its connections; the load
 * generator its subscribers. The per-connection figures are the largest measured on the 2-core
 * machine, rounded up: server 108 KiB when polling is in the matrix (Jetty, polling over HTTP/1.1
 * keep-alive, the quick run), else 32 KiB for streams (the quick run's Jetty SSE over HTTP/1.1 held 5 KB), the
 * Jetty client engine 20 KiB and the nio engine 3 KiB at 1000-10,000 connections; each JVM also
 * needs {@link #BASE_BYTES} for itself.
 */
final class HeapBudget {
    static final long SERVER_BYTES_PER_CONNECTION = 128 * 1024;
    static final long SERVER_BYTES_PER_STREAM = 32 * 1024;
    static final long JETTY_CLIENT_BYTES_PER_CONNECTION = 32 * 1024;
    static final long NIO_CLIENT_BYTES_PER_CONNECTION = 4 * 1024;
    static final long BASE_BYTES = 128L * 1024 * 1024;
    private static final int SAMPLE_PAYLOAD = 4096;

    private HeapBudget() {
    }

    /** What one kept event costs the server's heap with {@code payloadBytes} of data, JSON text included. */
    static long bytesPerEvent(int payloadBytes) {
        int sample = Math.min(payloadBytes, SAMPLE_PAYLOAD);
        Event e = Event.encode(0, 1, 1_000_000_000L, 1_000_000_000L, sample);
        e.jsonText();
        // the SSE frame and the JSON text each grow by one byte a payload byte
        return e.retainedBytes() + 2L * (payloadBytes - sample);
    }

    /**
     * @throws BadInputException with the arithmetic, when a side's estimate exceeds its maximum heap
     */
    static void check(String source, FeedSpec feed, int connections, ClientEngineKind engine, List<String> jvmOptions,
                      List<String> serverOptions, List<String> loadgenOptions) throws BadInputException {
        check(source, feed, connections, engine, true, jvmOptions, serverOptions, loadgenOptions);
    }

    /** @param polling a polling transport is in the matrix: its keep-alive connections cost the server the most */
    static void check(String source, FeedSpec feed, int connections, ClientEngineKind engine, boolean polling,
                      List<String> jvmOptions, List<String> serverOptions, List<String> loadgenOptions)
            throws BadInputException {
        long perConnection = polling ? SERVER_BYTES_PER_CONNECTION : SERVER_BYTES_PER_STREAM;
        long perEvent = bytesPerEvent(feed.payloadBytes());
        long events = (long) feed.topics() * feed.historyEvents();
        long history = events * perEvent;
        long server = BASE_BYTES + history + connections * perConnection;
        long serverHeap = maxHeap(jvmOptions, serverOptions);
        if (server > serverHeap) {
            throw new BadInputException(source + ": the server cannot hold this scenario in its heap: feed.topics "
                    + feed.topics() + " x feed.history " + feed.historyEvents() + " events x " + perEvent
                    + " B an event (payload " + feed.payloadBytes() + " B, its SSE frame and JSON text) = " + size(history)
                    + ", + clients.connections " + connections + " x " + size(perConnection) + " = "
                    + size(connections * perConnection) + ", + " + size(BASE_BYTES) + " for the JVM = "
                    + size(server) + ", above its maximum heap of " + size(serverHeap) + "; lower those, or raise the heap with"
                    + " PUSHBENCH_JAVA_OPTS_SERVER=-Xmx<size> (this machine has " + size(machineMemory()) + ")");
        }
        long perClient = engine == ClientEngineKind.NIO ? NIO_CLIENT_BYTES_PER_CONNECTION : JETTY_CLIENT_BYTES_PER_CONNECTION;
        long loadgen = BASE_BYTES + connections * perClient;
        long loadgenHeap = maxHeap(jvmOptions, loadgenOptions);
        if (loadgen > loadgenHeap) {
            throw new BadInputException(source + ": the load generator cannot hold this scenario in its heap: clients.connections "
                    + connections + " x " + size(perClient) + " (the " + engine.id() + " client engine) + " + size(BASE_BYTES)
                    + " for the JVM = " + size(loadgen) + ", above its maximum heap of " + size(loadgenHeap)
                    + "; lower clients.connections, or raise the heap with PUSHBENCH_JAVA_OPTS_LOADGEN=-Xmx<size>");
        }
    }

    /** The last -Xmx of the options, as the JVM takes it; 2 GiB when none. */
    static long maxHeap(List<String> jvmOptions, List<String> extra) {
        long heap = 2L << 30;
        for (List<String> options : List.of(jvmOptions, extra)) {
            for (String o : options) {
                if (o.startsWith("-Xmx")) {
                    heap = parseSize(o.substring(4), heap);
                }
            }
        }
        return heap;
    }

    private static long parseSize(String text, long otherwise) {
        if (text.isEmpty()) {
            return otherwise;
        }
        char unit = Character.toLowerCase(text.charAt(text.length() - 1));
        long multiplier = unit == 'k' ? 1L << 10 : unit == 'm' ? 1L << 20 : unit == 'g' ? 1L << 30 : unit == 't' ? 1L << 40 : 1;
        String digits = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
        try {
            return Long.parseLong(digits) * multiplier;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static long machineMemory() {
        Object os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize() : 0;
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }
}
