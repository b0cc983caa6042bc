package dev.pushbench.loadgen;

import dev.pushbench.client.InFlightRequest;
import dev.pushbench.loadgen.Recorders.Metric;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * What long and short polling share: {@code GET <path>{topic}?since=<cursor>} on the subscriber's
 * own keep-alive connection, reading the answer's events and next cursor. The first request carries
 * no cursor; its answer says where the subscription starts. Subclasses say only when to poll next.
 */
abstract class PollingSubscriber extends Subscriber {
    private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

    PollingSubscriber(LoadContext context, int index) {
        super(context, index);
    }

    /** The path prefix, e.g. {@code /poll/}. */
    abstract String pathPrefix();

    /** The request timeout. */
    abstract long timeoutMillis();

    /** The first poll of a new connection; {@code attempt.poll(plannedNanos)} sends it. */
    abstract void first(Attempt attempt);

    /** After an answer to the poll planned at {@code plannedNanos} ({@code first}: the connection's first): send the next. */
    abstract void next(Attempt attempt, long plannedNanos, long answeredNanos, boolean first);

    @Override
    protected final Connection open(long resumeCursor) {
        Attempt attempt = new Attempt(resumeCursor);
        first(attempt);
        return attempt;
    }

    /** One connection's run of polls. */
    final class Attempt implements Connection {
        private final PollAnswerReader reader = new PollAnswerReader();
        private final String tag = connectionTag();
        private volatile boolean closed;
        private final InFlightRequest request = new InFlightRequest();
        private long cursor;
        private boolean live;

        Attempt(long resumeCursor) {
            this.cursor = resumeCursor;
        }

        boolean isClosed() {
            return closed;
        }

        void poll(long plannedNanos) {
            if (closed || context.stopping) {
                return;
            }
            String uri = context.baseUri() + pathPrefix() + topicName() + (cursor >= 0 ? "?since=" + cursor : "");
            Request r = context.jetty().http().newRequest(uri)
                    .tag(tag)
                    .timeout(timeoutMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> h.put(HttpHeader.ACCEPT, "application/json"));
            request.send(r, new BufferingResponseListener(MAX_ANSWER_BYTES) {
                @Override
                public void onComplete(Result result) {
                    answered(result, result.isFailed() ? null : getContent(), plannedNanos);
                }
            });
        }

        private void answered(Result result, byte[] body, long plannedNanos) {
            long answeredNanos = System.nanoTime();
            if (closed) {
                return;
            }
            if (result.isFailed() || result.getResponse().getStatus() != 200 || !reader.open(body, body.length)) {
                if (!result.isFailed()) {
                    context.protocolErrors.increment();
                }
                closed = true;
                lost(result.isFailed() ? result.getFailure()
                        : new IllegalStateException("poll answer " + result.getResponse().getStatus()));
                return;
            }
            context.pollRequests.increment();
            recordPoll(plannedNanos, answeredNanos);
            boolean first = !live;
            if (first) {
                live = true;
                live(cursor >= 0 ? cursor : reader.cursor());
            }
            int events = 0;
            while (reader.next()) {
                events++;
                event(reader.event().seq(), reader.event().intendedNanos(), reader.event().sentNanos(), answeredNanos);
                if (closed) {
                    return; // a short-lived subscription ended inside this answer
                }
            }
            if (events == 0) {
                context.emptyPolls.increment();
            }
            cursor = reader.cursor();
            next(this, plannedNanos, answeredNanos, first);
        }

        @Override
        public void close() {
            closed = true;
            request.abort(new CancellationException("subscriber closed"));
            context.jetty().closeTcp(tag);
        }
    }

    /** Hook for subclasses that time their polls; short polling records from the planned time. */
    void recordPoll(long plannedNanos, long answeredNanos) {
        context.recorders.record(Metric.POLL, answeredNanos - plannedNanos);
    }
}
