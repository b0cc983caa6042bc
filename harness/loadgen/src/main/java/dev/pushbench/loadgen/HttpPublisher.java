package dev.pushbench.loadgen;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.client.nio.HttpCodec;
import dev.pushbench.client.nio.HttpRequest;
import dev.pushbench.client.nio.NioConnection;
import dev.pushbench.client.nio.PostStream;
import dev.pushbench.client.nio.ResponseHead;
import dev.pushbench.core.Clocks;

/**
 * How an SSE or polling subscriber on the nio engine publishes, as a browser application does: {@code POST
 * /publish/{topic}} with the message as JSON. Over HTTP/2 the POST is one more stream on the subscription's own
 * connection; over HTTP/1.1 that connection is held by the stream (or the poll), so the POSTs go on a second
 * keep-alive connection of the subscriber's, opened at its first message and again after it ended.
 *
 * <pre>
 *   HttpPublisher publisher = new HttpPublisher(subscriber);
 *   publisher.publish(n, topic, body, subscriber.currentConnection());   // from the publishing thread
 * </pre>
 *
 * <p>Each answer goes to {@link Publishing}: a 200 with {@code {"seq":N}} acknowledges the message, anything else
 * (a refusal, a reset stream, the connection's end before the answer) fails it.
 */
final class HttpPublisher implements Subscriber.Posting {
    private static final String JSON = "application/json";

    private final Subscriber subscriber;
    private final boolean sameConnection;
    /** HTTP/1.1: the POST connection, null until the first message and after it ended. */
    private PostStream posts;

    HttpPublisher(Subscriber subscriber) {
        this.subscriber = subscriber;
        this.sameConnection = subscriber.context.spec.protocol().isHttp2();
    }

    /** Sends message {@code n} to {@code topic}; over HTTP/2 on {@code current}, the subscription's connection. */
    @Override
    public boolean publish(long n, int topic, byte[] body, Subscriber.Connection current) {
        HttpRequest request = HttpRequest.post(Publishing.target(topic), JSON, body);
        Answer answer = new Answer(n, topic);
        if (sameConnection) {
            if (!(current instanceof NioConnection stream)) {
                return false;
            }
            stream.sendAlongside(request, answer);
            return true;
        }
        postStream().post(request, answer);
        return true;
    }

    private synchronized PostStream postStream() {
        PostStream p = posts;
        if (p == null || p.isClosed()) {
            p = new Posts();
            posts = p;
        }
        return p;
    }

    /** Closes the POST connection at the end of the run. */
    @Override
    public synchronized void close() {
        PostStream p = posts;
        posts = null;
        if (p != null) {
            p.close();
        }
    }

    /** The second connection of an HTTP/1.1 publisher. */
    private final class Posts extends PostStream {
        Posts() {
            super(subscriber.context.nio());
        }

        @Override
        protected void onEnd(StreamEnd end, Throwable cause) {
            synchronized (HttpPublisher.this) {
                if (posts == this) {
                    posts = null;
                }
            }
            if (cause != null && !subscriber.context.stopping) {
                subscriber.context.error("publisher " + subscriber.index + ": its POST connection ended: " + cause);
            }
        }
    }

    /** One POST's answer: its status and the small JSON body with the seq. */
    private final class Answer implements HttpCodec.Exchange {
        private final long n;
        private final int topic;
        private int status;
        private long seq = -1;
        private boolean inNumber;
        private boolean done;

        Answer(long n, int topic) {
            this.n = n;
            this.topic = topic;
        }

        @Override
        public void onHead(ResponseHead head) {
            status = head.status();
        }

        @Override
        public void onContent(byte[] bytes, int offset, int length) {
            // {"seq":42}: the only digits in the answer are the seq's
            for (int i = offset; i < offset + length && !done; i++) {
                int digit = bytes[i] - '0';
                if (digit >= 0 && digit <= 9) {
                    seq = (inNumber ? seq * 10 : 0) + digit;
                    inNumber = true;
                } else if (inNumber) {
                    inNumber = false;
                    done = true;
                }
            }
        }

        @Override
        public void onComplete() {
            Publishing publishing = subscriber.context.publishing;
            if (status == 200 && seq >= 0 && (done || inNumber)) {
                publishing.acked(subscriber.index, n, topic, seq, Clocks.nanoTime());
            } else {
                publishing.failed(subscriber.index, n);
            }
        }

        @Override
        public void onFailed(Throwable cause) {
            subscriber.context.publishing.failed(subscriber.index, n);
        }
    }
}
