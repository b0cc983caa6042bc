package dev.pushbench.loadgen;

import dev.pushbench.client.InFlightRequest;
import dev.pushbench.client.StreamEnd;
import dev.pushbench.core.Clocks;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Long or short polling on Jetty's HttpClient: each poll a request on the subscriber's own
 * keep-alive connection (its tag), the answer buffered whole. When to poll and what an answer means
 * is {@link Polling}'s, shared with {@link NioPollingSubscriber}.
 *
 * <p>Ends: Jetty reopens a keep-alive connection the server closed between polls without a word, so
 * the subscriber sees a connection end only as a failed poll ({@link StreamEnd#of} its exception) or
 * an answer that is not a poll answer (a protocol error); its last read is the last answer (or the
 * first poll).
 */
final class PollingSubscriber extends Subscriber {
    private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    private final Polling polling = Polling.of(this);

    PollingSubscriber(LoadContext context, int index) {
        super(context, index);
        postWith(JettyHttpPublisher::new);
    }

    @Override
    protected Connection open(long resumeCursor) {
        Attempt attempt = new Attempt(resumeCursor);
        polling.first(attempt);
        return attempt;
    }

    /** One connection's run of polls. */
    private final class Attempt implements Connection, Polling.Poller {
        private final Polling.Answers answers;
        private final String tag = connectionTag();
        private volatile boolean closed;
        private final InFlightRequest request = new InFlightRequest();
        private volatile long lastAnswerNanos = Clocks.nanoTime();

        Attempt(long resumeCursor) {
            this.answers = polling.new Answers(resumeCursor);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void poll(long plannedNanos) {
            if (closed || context.stopping) {
                return;
            }
            Request r = context.jetty().http().newRequest(context.baseUri() + answers.target())
                    .tag(tag)
                    .timeout(polling.timeoutMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> h.put(HttpHeader.ACCEPT, "application/json"));
            request.send(r, new BufferingResponseListener(MAX_ANSWER_BYTES) {
                @Override
                public void onComplete(Result result) {
                    answered(result, result.isFailed() ? null : getContent(), plannedNanos);
                }
            });
        }

        private void answered(Result result, byte[] body, long plannedNanos) {
            long answeredNanos = Clocks.nanoTime();
            if (closed) {
                return;
            }
            long lastReadNanos = result.isFailed() ? lastAnswerNanos : answeredNanos;
            if (!result.isFailed()) {
                lastAnswerNanos = answeredNanos;
            }
            if (result.isFailed() || result.getResponse().getStatus() != 200
                    || !answers.answered(body, body.length, plannedNanos, answeredNanos, this)) {
                if (!result.isFailed()) {
                    context.protocolErrors.increment();
                }
                closed = true;
                ended(result.isFailed() ? StreamEnd.of(result.getFailure()) : StreamEnd.PROTOCOL_ERROR,
                        lastReadNanos,
                        result.isFailed() ? result.getFailure()
                        : new IllegalStateException("poll answer " + result.getResponse().getStatus()));
            }
        }

        @Override
        public void close() {
            closed = true;
            request.abort(new CancellationException("subscriber closed"));
            context.jetty().closeTcp(tag);
        }
    }
}
