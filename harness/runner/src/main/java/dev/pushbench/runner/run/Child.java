package dev.pushbench.runner.run;

import dev.pushbench.model.control.ControlChannel.MessageHandler;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.time.Duration;

/**
 * A server or a load generator the runner speaks to in {@link ControlMessage}s: a JVM it started on this
 * machine ({@link ChildProcess}), one a cluster's agent started on its host
 * ({@link dev.pushbench.runner.cluster.RemoteChild}), or several load agents' load generators as one
 * ({@link dev.pushbench.runner.cluster.LoadGroup}). The cell's phases do not depend on which.
 */
public interface Child extends AutoCloseable {

    String role();

    /** Its process's ID on its own host. */
    long pid();

    boolean isAlive();

    void send(ControlMessage message) throws ChildException;

    /**
     * Waits for a message of {@code type}, handing every other one to {@code others}; what {@code others}
     * throws ends the wait.
     *
     * @throws ChildException when the child exits first or the timeout passes
     */
    <T extends ControlMessage, E extends Exception> T await(Class<T> type, Duration timeout, MessageHandler<E> others)
            throws ChildException, InterruptedException, E;

    /** Sends a message and waits for its answer, ignoring anything else the child says meanwhile. */
    default <T extends ControlMessage> T ask(ControlMessage message, Class<T> answer, Duration timeout)
            throws ChildException, InterruptedException {
        send(message);
        return await(answer, timeout, ignored -> { });
    }

    /** Asks it to end and returns at once; it is ended by force if it has not within seconds. */
    @Override
    void close();

    /** Waits until it has exited (at most {@code timeout}). */
    boolean awaitExit(Duration timeout) throws InterruptedException;

    /** Ends it at once (Ctrl-C of the runner). */
    void kill();
}
