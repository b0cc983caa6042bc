package dev.pushbench.core;

import java.util.Optional;

/**
 * A server implementation under test (Jetty 12, Vert.x 5, …), found with {@link java.util.ServiceLoader}.
 *
 * <pre>
 *   ServerStack stack = ServerStack.named("jetty");
 *   try (PushServer server = stack.start(context)) {
 *       int port = server.port();
 *   }
 * </pre>
 *
 * <p>A stack serves all four transports on one port, speaking only {@code context.config().protocol()}.
 * Where it cannot serve a transport over a protocol it says why in {@link #unsupported}, and the
 * cell is reported {@code unsupported} with that reason.
 */
public interface ServerStack {

    /** The name used in scenarios and cell names, e.g. {@code jetty}. */
    String id();

    /** Library and version, for the run manifest, e.g. {@code Jetty 12.1.14}. */
    String description();

    /** Why this stack cannot serve {@code transport} over {@code protocol}, or empty if it can. */
    default Optional<String> unsupported(Transport transport, Protocol protocol) {
        return Optional.empty();
    }

    /** Starts serving; the feed in the context may start before or after. */
    PushServer start(PushContext context) throws Exception;

    static ServerStack named(String id) {
        for (ServerStack stack : java.util.ServiceLoader.load(ServerStack.class)) {
            if (stack.id().equals(id)) {
                return stack;
            }
        }
        throw new IllegalArgumentException("unknown server stack '" + id + "', available: " + available());
    }

    static String available() {
        StringBuilder sb = new StringBuilder();
        for (ServerStack stack : java.util.ServiceLoader.load(ServerStack.class)) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(stack.id());
        }
        return sb.length() == 0 ? "(none on the class path)" : sb.toString();
    }
}
