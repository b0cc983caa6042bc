package dev.pushbench.loadgen.verify;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;

/**
 * One open {@code text/event-stream} response, read as it arrives and cut into blocks (the lines
 * up to a blank line), which a check takes one by one with a deadline.
 *
 * <pre>
 *   try (SseProbeStream sse = SseProbeStream.open(probe, "/sse/t0", Map.of("Last-Event-ID", "41"))) {
 *       Response head = sse.awaitHeaders(1000);
 *       SseProbeStream.Block preamble = sse.next(1000);
 *   }
 * </pre>
 */
final class SseProbeStream implements AutoCloseable {
    private static final Block END = new Block(List.of(), 0);

    private final String label;
    private final Request request;
    private final CompletableFuture<Response> headers = new CompletableFuture<>();
    private final BlockingQueue<Block> blocks = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();
    private volatile String endReason;
    /** Over HTTP/1.1, the stream's own connection, once open. */
    private org.eclipse.jetty.client.Connection connection;
    private boolean closed;

    private SseProbeStream(String label, Request request) {
        this.label = label;
        this.request = request;
    }

    static SseProbeStream open(Probe probe, String pathAndQuery, Map<String, String> requestHeaders) {
        Request request = probe.http.newRequest(probe.target.http(pathAndQuery)).method("GET");
        requestHeaders.forEach((name, value) -> request.headers(h -> h.put(name, value)));
        String label = "GET " + pathAndQuery + (requestHeaders.isEmpty() ? "" : " " + requestHeaders);
        boolean http2 = probe.target.protocol().isHttp2();
        SseProbeStream stream = new SseProbeStream(label, request);
        request.onResponseHeaders(stream.headers::complete)
                .onResponseContent((response, content) -> stream.feed(content));
        Response.CompleteListener ended = result -> stream.end(result.isFailed() ? result.getFailure() : null);
        if (http2) {
            request.send(ended);
            return stream;
        }
        // over HTTP/1.1 a connection of its own, never one from the pool: a connection an earlier check
        // left mid-response could hand this one the rest of that response as its own
        probe.http.resolveDestination(request).newConnection().whenComplete((connection, failure) -> {
            if (failure != null) {
                stream.end(failure);
                return;
            }
            if (stream.own(connection)) {
                connection.send(request, ended);
            }
        });
        return stream;
    }

    String label() {
        return label;
    }

    /** The response head; fails the check if it does not come within the deadline (headers must be flushed at once). */
    Response awaitHeaders(long timeoutMillis) throws CheckFailure, InterruptedException {
        try {
            return headers.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CheckFailure(label + ": no response headers within " + timeoutMillis + " ms (an SSE response must flush its headers at once)");
        } catch (ExecutionException e) {
            throw new CheckFailure(label + " failed before its headers: " + Probe.describe(e.getCause()));
        }
    }

    /** The next block, or a failure naming {@code waitingFor} if none comes within the deadline or the stream ends. */
    Block next(long timeoutMillis, String waitingFor) throws CheckFailure, InterruptedException {
        Block block = blocks.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (block == null) {
            throw new CheckFailure(label + ": nothing within " + timeoutMillis + " ms while waiting for " + waitingFor);
        }
        if (block == END) {
            blocks.add(END);
            throw new CheckFailure(label + ": the stream ended (" + endReason + ") while waiting for " + waitingFor);
        }
        return block;
    }

    /** The next block that is not a comment-only block (heartbeat). */
    Block nextFields(long timeoutMillis, String waitingFor) throws CheckFailure, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (;;) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            Block block = next(Math.max(0, left), waitingFor);
            if (!block.isCommentOnly()) {
                return block;
            }
        }
    }

    private synchronized void feed(ByteBuffer content) {
        while (content.hasRemaining()) {
            byte b = content.get();
            if (b != '\n') {
                line.write(b);
                continue;
            }
            byte[] bytes = line.toByteArray();
            line.reset();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                if (!lines.isEmpty()) {
                    blocks.add(new Block(List.copyOf(lines), System.nanoTime()));
                    lines.clear();
                }
            } else {
                lines.add(text);
            }
        }
    }

    private void end(Throwable failure) {
        endReason = failure == null ? "response complete" : Probe.describe(failure);
        headers.completeExceptionally(failure == null ? new IllegalStateException("ended without headers") : failure);
        blocks.add(END);
    }

    @Override
    public void close() {
        // over HTTP/1.1 the connection is mid-response and cannot carry another exchange: it goes with the stream
        request.abort(new CancellationException("conformance check done"));
        org.eclipse.jetty.client.Connection own;
        synchronized (this) {
            closed = true;
            own = connection;
        }
        if (own != null) {
            own.close();
        }
    }

    /** Takes the stream's own connection; false (and closes it) when the stream was closed before it opened. */
    private boolean own(org.eclipse.jetty.client.Connection opened) {
        synchronized (this) {
            if (!closed) {
                connection = opened;
                return true;
            }
        }
        opened.close();
        return false;
    }

    /**
     * One SSE block: its lines in order (comments start with {@code :}).
     *
     * @param arrivedNanos when its last line arrived, {@link System#nanoTime()}
     */
    record Block(List<String> lines, long arrivedNanos) {

        boolean isCommentOnly() {
            for (String l : lines) {
                if (!l.startsWith(":")) {
                    return false;
                }
            }
            return true;
        }

        /** The value of the first line of field {@code name} (one leading space removed, as EventSource does), or null. */
        String field(String name) {
            for (String l : lines) {
                if (l.startsWith(":")) {
                    continue;
                }
                int colon = l.indexOf(':');
                String field = colon < 0 ? l : l.substring(0, colon);
                if (field.equals(name)) {
                    String value = colon < 0 ? "" : l.substring(colon + 1);
                    return value.startsWith(" ") ? value.substring(1) : value;
                }
            }
            return null;
        }

        int count(String name) {
            int n = 0;
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (!l.startsWith(":") && (colon < 0 ? l : l.substring(0, colon)).equals(name)) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public String toString() {
            String text = String.join("\\n", lines);
            return "'" + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + "'";
        }
    }
}
