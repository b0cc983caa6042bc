package dev.pushbench.loadgen;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.client.nio.PollStream;
import dev.pushbench.client.nio.ProtocolViolationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@link PollingSubscriber} on the nio engine: the same polls (long or short, by {@link Polling}),
 * requests and answers on one keep-alive {@link PollStream}, each answer read in place from the
 * stream's reused buffer with {@link PollAnswerReader}. An answer's events count as received when
 * its last bytes were read. Polls planned on the generator's timer are handed to the connection's
 * selector thread; every other callback runs on it.
 */
final class NioPollingSubscriber extends Subscriber {
    private final Polling polling = Polling.of(this);

    NioPollingSubscriber(LoadContext context, int index) {
        super(context, index);
        postWith(HttpPublisher::new);
    }

    @Override
    protected Connection open(long resumeCursor) {
        Attempt attempt = new Attempt(resumeCursor);
        attempt.open();
        polling.first(attempt);
        return attempt;
    }

    /** One connection's run of polls. */
    private final class Attempt extends PollStream implements Connection, Polling.Poller {
        private final Polling.Answers answers;
        /** The plan of the poll in flight: written before the poll is handed to the selector thread, read there. */
        private long plannedNanos;

        Attempt(long resumeCursor) {
            super(context.nio(), Duration.ofMillis(polling.timeoutMillis()));
            this.answers = polling.new Answers(resumeCursor);
        }

        @Override
        public void poll(long plannedNanos) {
            if (isClosed() || context.stopping) {
                return;
            }
            this.plannedNanos = plannedNanos;
            poll(answers.target());
        }

        @Override
        protected void onAnswer(byte[] body, int length) throws ProtocolViolationException {
            if (isClosed()) {
                return;
            }
            if (!answers.answered(body, length, plannedNanos, receivedNanos(), this)) {
                throw new ProtocolViolationException("not a poll answer: "
                        + new String(body, 0, Math.min(length, 200), StandardCharsets.UTF_8));
            }
        }

        @Override
        protected void onEnd(StreamEnd end, Throwable cause) {
            ended(end, lastReadNanos(), cause);
        }
    }
}
