package dev.pushbench.client.nio;

import dev.pushbench.client.StreamEnd;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection of a {@link NioEngine} for requests with a body (POSTs) only, as a browser's second
 * connection to a server beside its subscription: {@link #post} from any thread; each answer comes
 * back through the request's {@link HttpCodec.Exchange} on the selector thread (its head, its body
 * in {@code onContent}, then {@code onComplete}), or {@code onFailed} when it never will.
 *
 * <pre>
 *   final class Publisher extends PostStream {
 *       Publisher() { super(engine); }
 *       protected void onEnd(StreamEnd end, Throwable cause) { ... make a new Publisher to post again ... }
 *   }
 *   Publisher publisher = new Publisher();
 *   publisher.post(HttpRequest.post("/publish/t0", "application/json", json), exchange);   // opens it
 * </pre>
 *
 * <p>Lifecycle: the first {@link #post} opens the connection (or {@link #open()} before it); posts
 * made before the connection is up wait for it. HTTP/1.1: one request in flight, later ones wait in
 * order (FIFO) and each is sent once the previous answer completed. HTTP/2: each is sent at once on a
 * stream of its own (multiplexed); a stream the server resets or refuses fails alone.
 *
 * <p>Ends: when the connection ends (the server closed it, a failure, an exception an exchange threw)
 * or is {@link #close() closed}, every post waiting or in flight hears {@code onFailed}, then
 * {@link #onEnd} is called (not after {@link #close()}). The stream does not reconnect: its owner
 * makes a new one. A post made after the end fails at once. The server closing the connection while
 * nothing is in flight (its idle timeout) is a clean end ({@link StreamEnd#CLOSE_DELIMITED}, null).
 *
 * <p>Idle: while nothing is waiting or in flight the engine's idle timeout does not apply, so the
 * connection stays up between posts for as long as the server keeps it; with a post in flight it
 * applies as to any connection. A server's GOAWAY (HTTP/2) fails the posts after it until the server
 * closes the connection, which then ends it.
 *
 * <p>Cost per post: the caller's {@link HttpRequest} and body (not copied), one small wrapper around
 * the exchange; HTTP/1.1 copies the body into the codec's reused request buffer and writes head and
 * body at once; HTTP/2 encodes the HEADERS with Jetty's generator (a few objects) and copies the body
 * into DATA frames made for the write.
 */
public abstract class PostStream extends NioConnection {
    private final boolean http2;
    /** Posts waiting or in flight; from any thread. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Posts not sent yet (before the connection is up; on HTTP/1.1 behind the one in flight); selector thread. */
    private final ArrayDeque<Post> waiting = new ArrayDeque<>();
    /** HTTP/1.1: the post in flight; null when none. */
    private Post inFlight;
    private HttpCodec codec;

    protected PostStream(NioEngine engine) {
        super(engine);
        this.http2 = engine.config().protocol().isHttp2();
    }

    /**
     * Sends {@code request} (opening the connection if it is not yet), from any thread; its answer goes
     * to {@code exchange} on the selector thread, or {@link HttpCodec.Exchange#onFailed} if it never comes.
     */
    public final void post(HttpRequest request, HttpCodec.Exchange exchange) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(exchange, "exchange");
        if (request.webSocket()) {
            throw new IllegalArgumentException("a PostStream sends no WebSocket opening: " + request.target());
        }
        Post post = new Post(request, exchange);
        queued.incrementAndGet();
        openOnce();
        execute(() -> postNow(post));
    }

    /** Posts waiting or in flight (not yet answered nor failed); from any thread. */
    public final int queued() {
        return queued.get();
    }

    private void postNow(Post post) {
        if (isClosed()) {
            post.onFailed(new IOException("the POST connection has ended: " + post.request.method() + " "
                    + post.request.target() + " not sent"));
            return;
        }
        if (codec == null || !http2 && (inFlight != null || !waiting.isEmpty())) {
            waiting.add(post);
            return;
        }
        send(post);
    }

    private void send(Post post) {
        try {
            if (http2) {
                codec.sendAlongside(post.request, post);
            } else {
                inFlight = post;
                codec.send(post.request, post);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    @Override
    protected final void onConnected() throws IOException {
        codec = newCodec();
        codec.start();
        if (http2) {
            Post post;
            while ((post = waiting.poll()) != null && !isClosed()) {
                send(post);
            }
        } else if (!waiting.isEmpty()) {
            send(waiting.poll());
        }
    }

    @Override
    protected final void onEndOfStream() throws IOException {
        if (queued.get() == 0) {
            return; // closed between posts (the server's idle timeout): a clean end
        }
        super.onEndOfStream();
    }

    @Override
    protected final boolean idleTimeoutApplies() {
        return queued.get() > 0;
    }

    @Override
    final void failExchanges(Throwable cause) {
        super.failExchanges(cause);
        inFlight = null;
        Post post;
        while ((post = waiting.poll()) != null) {
            post.onFailed(cause);
        }
    }

    /** One post: its answer passed on to the owner's exchange; its end counted once and, on HTTP/1.1, the next one sent. */
    private final class Post implements HttpCodec.Exchange {
        final HttpRequest request;
        final HttpCodec.Exchange exchange;
        private boolean done;

        Post(HttpRequest request, HttpCodec.Exchange exchange) {
            this.request = request;
            this.exchange = exchange;
        }

        @Override
        public void onHead(ResponseHead head) throws IOException {
            exchange.onHead(head);
        }

        @Override
        public void onContent(byte[] bytes, int offset, int length) throws IOException {
            exchange.onContent(bytes, offset, length);
        }

        @Override
        public void onComplete() throws IOException {
            if (!finish()) {
                return;
            }
            if (!http2 && inFlight == this) {
                inFlight = null;
                Post next = waiting.poll();
                if (next != null && !isClosed()) {
                    send(next); // before the owner hears this answer, so that a post it makes now queues behind
                }
            }
            exchange.onComplete();
        }

        @Override
        public void onFailed(Throwable cause) {
            if (!finish()) {
                return;
            }
            if (inFlight == this) {
                inFlight = null;
            }
            HttpCodec.tellFailed(exchange, cause);
        }

        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            queued.decrementAndGet();
            return true;
        }
    }
}
