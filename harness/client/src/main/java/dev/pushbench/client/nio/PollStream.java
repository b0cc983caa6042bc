package dev.pushbench.client.nio;

import dev.pushbench.core.Clocks;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

/**
 * Polls on one keep-alive connection of a {@link NioEngine}: the subclass sends {@code GET}s one
 * after another ({@link #poll}, each once the previous one was answered), each answer is checked
 * (200, {@code application/json}), its body gathered into one buffer the stream reuses, and handed
 * to {@link #onAnswer} with {@link #receivedNanos()} the time its last bytes were read.
 *
 * <pre>
 *   final class Poller extends PollStream {
 *       Poller() { super(engine, Duration.ofSeconds(10)); }
 *       protected void onAnswer(byte[] body, int length) { ... read it ... poll("/poll/t0?since=" + cursor); }
 *       protected void onEnd(StreamEnd end, Throwable cause) { ... reconnect ... }
 *   }
 *   Poller p = new Poller();
 *   p.open();
 *   p.poll("/poll/t0");            // from any thread; before the connect completes it waits for it
 * </pre>
 *
 * <p>Timing: {@link #poll} called on the selector thread (e.g. from {@code onAnswer}) writes the
 * request at once; from another thread (a timer) it is handed to the selector thread, one wake-up
 * per batch. A poll that has read nothing for {@code timeout}, since it was sent or since its last
 * bytes, ends the connection as a {@link TimeoutException} (checked by the engine's sweep, at least
 * ten times within the timeout and at least once a second): an answer that has not begun, or
 * stopped half-way. Ends: an answer that is not 200 {@code application/json} is a protocol
 * violation; one longer than {@value #MAX_ANSWER_BYTES} bytes, a timeout, or the server closing the connection
 * (between polls too) is a failure; an answer delimited by the close is delivered, then the
 * connection ends cleanly ({@link #onEnd} with {@code CLOSE_DELIMITED} and null).
 *
 * <p>Cost per poll, once warm: the request is written from the codec's reused buffer, the answer
 * read into this stream's reused buffer; what a poll allocates is the caller's target String and
 * the {@link HttpRequest} that carries it.
 *
 * <p>Over HTTP/2, {@link #sendAlongside} sends another request (a POST) on a stream of its own
 * beside this one, on the same connection.
 */
public abstract class PollStream extends NioConnection {
    /** The longest answer accepted, as the Jetty engine's buffering limit. */
    public static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    private static final int FIRST_BUFFER_BYTES = 8 * 1024;
    private static final String[] ACCEPT_JSON = {"Accept", "application/json"};

    private final long timeoutNanos;
    private final Exchange exchange = new Exchange();
    private HttpCodec codec;
    /** A poll asked before the connection was up, sent once it is. */
    private String waitingTarget;
    private boolean inFlight;
    private long sentNanos;
    private byte[] body = new byte[FIRST_BUFFER_BYTES];
    private int bodyLength;

    /** @param timeout how long a poll may read nothing (its answer not begun, or stalled) before the connection is given up */
    protected PollStream(NioEngine engine, Duration timeout) {
        super(engine);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("poll timeout must be a positive duration, got " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        engine.sweepWithin(timeoutNanos);
    }

    /**
     * Sends {@code GET target} with {@code Accept: application/json}; from any thread, after
     * {@link #open()}, once the previous poll was answered. Does nothing once the stream is closed.
     */
    public final void poll(String target) {
        execute(() -> pollNow(target));
    }

    /** The answer to the current poll: {@code body[0, length)}, valid only during the call. */
    protected abstract void onAnswer(byte[] body, int length) throws IOException;

    private void pollNow(String target) {
        if (isClosed()) {
            return;
        }
        if (codec == null) {
            waitingTarget = target;
            return;
        }
        try {
            send(target);
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void send(String target) throws IOException {
        if (inFlight) {
            throw new IllegalStateException("poll " + target + " asked while the previous one is unanswered");
        }
        inFlight = true;
        bodyLength = 0;
        sentNanos = Clocks.nanoTime();
        codec.send(HttpRequest.get(target, ACCEPT_JSON), exchange);
    }

    @Override
    protected final void onConnected() throws IOException {
        codec = newCodec();
        codec.start();
        String target = waitingTarget;
        if (target != null) {
            waitingTarget = null;
            send(target);
        }
    }

    @Override
    protected final void onSweep(long nowNanos) {
        if (inFlight && nowNanos - Math.max(sentNanos, receivedNanos()) > timeoutNanos) {
            fail(new TimeoutException("poll unanswered: nothing read for " + timeoutNanos / 1_000_000 + " ms"));
        }
    }

    /** One poll's answer: checked at its head, gathered, handed on at its end. */
    private final class Exchange implements HttpCodec.Exchange {
        @Override
        public void onHead(ResponseHead head) throws IOException {
            if (head.status() != 200 || !head.headerStartsWith("Content-Type", "application/json")) {
                throw new ProtocolViolationException("poll answer " + head.status() + " " + head.header("Content-Type"));
            }
        }

        @Override
        public void onContent(byte[] bytes, int offset, int length) throws IOException {
            int needed = bodyLength + length;
            if (needed > body.length) {
                if (needed > MAX_ANSWER_BYTES) {
                    throw new IOException("poll answer longer than " + MAX_ANSWER_BYTES + " bytes (the answer buffer's limit)");
                }
                body = Arrays.copyOf(body, (int) Math.min(MAX_ANSWER_BYTES, Math.max(needed, 2L * body.length)));
            }
            System.arraycopy(bytes, offset, body, bodyLength, length);
            bodyLength = needed;
        }

        @Override
        public void onComplete() throws IOException {
            inFlight = false;
            onAnswer(body, bodyLength);
        }
    }
}
