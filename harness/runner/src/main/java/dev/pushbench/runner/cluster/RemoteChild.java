package dev.pushbench.runner.cluster;

import dev.pushbench.model.control.ControlChannel.MessageHandler;
import dev.pushbench.model.control.ControlCodec;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.runner.run.Child;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server or load generator an agent started on its host, spoken to over the event bus: what the
 * controller sends goes to the agent's relay into the child's standard input, what the child prints
 * comes back through the controller's inbox ({@link ClusterController}). Its agent leaving the cluster
 * ends every wait at once with a {@link ChildException} naming the agent and when it left.
 *
 * <pre>
 *   RemoteChild server = controller.start(serverAgent, "server", "c3-server", serverJson);
 *   ControlMessage.Listening l = server.await(ControlMessage.Listening.class, Duration.ofSeconds(60), m -&gt; { });
 * </pre>
 */
public final class RemoteChild implements Child {
    /** Put in the inbox when the child exited: what its agent said of it. */
    record Exited(String detail) {
    }

    private final ClusterController controller;
    private final AgentInfo agent;
    private final String role;
    private final String id;
    private volatile long pid = -1;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private volatile String exited;

    RemoteChild(ClusterController controller, AgentInfo agent, String role, String id) {
        this.controller = controller;
        this.agent = agent;
        this.role = role;
        this.id = id;
    }

    /** Its agent started it: its PID there. */
    void started(long processId) {
        pid = processId;
    }

    /** From the controller's inbox: a message of this child's, or its exit. */
    void deliver(Object messageOrExit) {
        if (messageOrExit instanceof Exited e) {
            exited = e.detail();
        }
        inbox.add(messageOrExit);
    }

    public AgentInfo agent() {
        return agent;
    }

    String id() {
        return id;
    }

    @Override
    public String role() {
        return role;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public boolean isAlive() {
        return exited == null && controller.isMember(agent);
    }

    @Override
    public void send(ControlMessage message) throws ChildException {
        checkAgent();
        if (exited != null) {
            throw new ChildException(where() + " is not listening any more (" + exited + ")");
        }
        controller.node().bus().send(ClusterNode.childAddress(controller.clusterName(), agent.name(), id),
                ControlCodec.encode(message));
    }

    /**
     * The next message or exit in its inbox, waiting at most {@code timeout}; null when none came.
     *
     * @throws ChildException when its agent has left the cluster
     */
    Object poll(Duration timeout) throws ChildException, InterruptedException {
        Object next = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            checkAgent();
        }
        return next;
    }

    @Override
    public <T extends ControlMessage, E extends Exception> T await(Class<T> type, Duration timeout, MessageHandler<E> others)
            throws ChildException, InterruptedException, E {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ChildException(where() + " did not report '" + ControlCodec.typeName(type) + "' within "
                        + timeout.toSeconds() + " s");
            }
            Object next = poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))));
            if (next instanceof Exited e) {
                throw new ChildException(where() + " exited before '" + ControlCodec.typeName(type) + "': " + e.detail());
            }
            if (type.isInstance(next)) {
                return type.cast(next);
            }
            if (next != null) {
                others.accept((ControlMessage) next);
            }
        }
    }

    /** "the load generator on agent load-2 (127.0.0.1)". */
    String where() {
        return (role.equals("server") ? "the server" : "the load generator") + " on agent " + agent.name() + " (" + agent.host() + ")";
    }

    /** @throws ChildException naming the agent and when it left, once it has */
    void checkAgent() throws ChildException {
        String left = controller.leftAt(agent);
        if (left != null) {
            throw new ChildException("agent " + agent.name() + " (" + agent.host() + ") left the cluster at " + left
                    + ", with " + where().replace(" on agent " + agent.name() + " (" + agent.host() + ")", "") + " on it");
        }
    }

    @Override
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (exited == null && controller.isMember(agent) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return exited != null || !controller.isMember(agent);
    }

    @Override
    public void close() {
        controller.stop(this);
    }

    @Override
    public void kill() {
        controller.stop(this);
    }
}
