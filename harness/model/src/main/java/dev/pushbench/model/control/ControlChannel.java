package dev.pushbench.model.control;

import java.io.IOException;
import java.time.Duration;

/**
 * A two-way carrier of {@link ControlMessage}s between the runner and one child, such as the child's
 * standard input and output ({@link LineChannel}); the messages do not depend on it.
 *
 * <pre>
 *   channel.send(new ControlMessage.GetStats(true));
 *   ControlMessage.Stats s = channel.await(ControlMessage.Stats.class, Duration.ofSeconds(30), other -&gt; { });
 * </pre>
 */
public interface ControlChannel extends AutoCloseable {

    /** @throws IOException when the other side is gone */
    void send(ControlMessage message) throws IOException;

    /**
     * The next message, waiting at most {@code timeout}; null when none came in time.
     *
     * @throws ChannelClosedException when the other side has closed and every message was taken
     */
    ControlMessage receive(Duration timeout) throws InterruptedException, ChannelClosedException;

    /**
     * Waits for a message of {@code type}, handing every other one to {@code others}.
     *
     * @throws ChannelTimeoutException when none came within {@code timeout}
     */
    default <T extends ControlMessage, E extends Exception> T await(Class<T> type, Duration timeout,
                                                                    MessageHandler<E> others)
            throws InterruptedException, ChannelClosedException, ChannelTimeoutException, E {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ChannelTimeoutException(type, timeout);
            }
            ControlMessage m = receive(Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
            if (m == null) {
                continue;
            }
            if (type.isInstance(m)) {
                return type.cast(m);
            }
            others.accept(m);
        }
    }

    /** Closes the sending side; the other side sees its input end. */
    @Override
    void close();

    /**
     * What {@link #await} does with the messages it is not waiting for; what it throws ends the wait.
     *
     * @param <E> what it may throw besides {@link InterruptedException}
     */
    @FunctionalInterface
    interface MessageHandler<E extends Exception> {
        void accept(ControlMessage message) throws InterruptedException, E;
    }

    /** The other side closed the channel (a child exited, the runner went away). */
    final class ChannelClosedException extends Exception {
        private static final long serialVersionUID = 1L;

        public ChannelClosedException(String message) {
            super(message, null, false, false);
        }
    }

    /** An awaited message did not come in time. */
    final class ChannelTimeoutException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Class<?> awaited;

        public ChannelTimeoutException(Class<? extends ControlMessage> awaited, Duration timeout) {
            super(awaited.getSimpleName() + " did not come within " + timeout.toSeconds() + " s", null, false, false);
            this.awaited = awaited;
        }

        public Class<?> awaited() {
            return awaited;
        }
    }
}
