package dev.pushbench.runner.cluster;

import dev.pushbench.core.Clocks;
import dev.pushbench.core.Environment;
import dev.pushbench.core.ProcessStats;
import dev.pushbench.model.control.ControlCodec;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.result.RunManifest;
import dev.pushbench.runner.cluster.ClusterNode.ClusterException;
import dev.pushbench.runner.run.ChildProcess;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import dev.pushbench.runner.run.ChildSpecs;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * {@code pushbench agent}: a member of a pushbench cluster that runs the two pushbench roles on request,
 * a server ({@code pushbench serve}) or a load generator ({@code pushbench load}), each in its own JVM as
 * on one machine, and relays their control messages between the child's standard input and output and
 * the event bus. Nothing else: the controller sends a role's name and its spec file (checked as that
 * spec before it is written), never a command line; the children's JVM options are the agent's own.
 *
 * <pre>
 *   requests at {@link ClusterNode#agentAddress}:  info, start {role, child, replyTo, file, content},
 *                                                 stop {child}, time, sync {server, tcpHost, tcpPort, samples},
 *                                                 fetch {child, name}
 *   {@link ClusterNode#agentsAddress} (published): hello {replyTo} — every agent answers with its info
 *   child → controller (sent to the start's replyTo): {agent, child, message} and last {agent, child, exited}
 *   controller → child: {@link ClusterNode#childAddress}, a control message's JSON
 * </pre>
 *
 * <p>A controller that leaves the cluster ends the children it started; so does the agent's own end
 * (its shutdown hook), and a child whose input closes exits by itself, so none outlives its agent.
 */
public final class Agent implements AutoCloseable {
    /** Names a controller may give a child: letters, digits, dashes; no path. */
    private static final Pattern CHILD_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,80}");
    /** The files an agent writes for a role, and the only ones it hands back. */
    private static final Map<String, String> SPEC_FILE = Map.of("server", "server.json", "loadgen", "load.json");
    private static final Set<String> FETCHABLE = Set.of("server.log", "loadgen.log", "latency.hlog");
    /** The most of a file {@code fetch} hands back. */
    static final int FETCH_LIMIT = 8 * 1024 * 1024;
    static final Duration CLOCK_TIMEOUT = Duration.ofSeconds(5);

    private final ClusterNode node;
    private final String name;
    private final String bind;
    private final String cluster;
    private final Path dir;
    private final List<String> jvmOptions;
    private final TimeServer timeServer;
    private final PrintStream out;
    private final ExecutorService work = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pushbench-agent-work");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Running> children = new ConcurrentHashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();

    /** A child this agent started: for whom, and where its messages go. */
    private record Running(String id, String role, ChildProcess process, String controllerNode, Path dir,
                           MessageConsumer<String> input) {
    }

    private Agent(ClusterNode node, String name, String bind, String cluster, Path dir, List<String> jvmOptions,
                  TimeServer timeServer, PrintStream out) {
        this.node = node;
        this.name = name;
        this.bind = bind;
        this.cluster = cluster;
        this.dir = dir;
        this.jvmOptions = jvmOptions;
        this.timeServer = timeServer;
        this.out = out;
    }

    /**
     * Joins the cluster and takes requests until closed.
     *
     * @param clockPort the TCP port of its time server (0: any free)
     */
    public static Agent start(ClusterNode.Options options, String name, Path dir, int clockPort, List<String> jvmOptions,
                              PrintStream out) throws ClusterException, IOException {
        Files.createDirectories(dir);
        TimeServer time = new TimeServer(InetAddress.getByName(options.bind()), clockPort);
        ClusterNode node;
        try {
            node = ClusterNode.join(options, Duration.ofSeconds(60));
        } catch (ClusterException e) {
            time.close();
            throw e;
        }
        Agent agent = new Agent(node, name, options.bind(), options.name(), dir, jvmOptions, time, out);
        agent.listen();
        return agent;
    }

    private void listen() {
        consumers.add(node.bus().<JsonObject>consumer(ClusterNode.agentAddress(cluster, name), this::onRequest));
        consumers.add(node.bus().<JsonObject>consumer(ClusterNode.agentsAddress(cluster), m -> {
            String replyTo = m.body().getString("replyTo");
            if (replyTo != null) {
                node.bus().send(replyTo, info());
            }
        }));
        node.onLeft(this::memberLeft);
    }

    /** What the controller needs to place roles here. */
    JsonObject info() {
        return new JsonObject().put("agent", name).put("host", bind).put("node", node.nodeId())
                .put("pid", ProcessHandle.current().pid()).put("cores", Runtime.getRuntime().availableProcessors())
                .put("maxOpenFiles", ProcessStats.maxOpenFiles()).put("clockPort", timeServer.port())
                .put("children", children.size()).put("jdk", jdk())
                .put("childJvmOptions", new JsonArray(childJvmOptions()));
    }

    /** The options every child JVM here gets: the agent's own, with its clock's skew when a test gave it one. */
    private List<String> childJvmOptions() {
        List<String> options = new ArrayList<>(jvmOptions);
        if (Clocks.skewNanos() != 0) {
            options.add("-Dpushbench.clock.skewNanos=" + Clocks.skewNanos());
        }
        return options;
    }

    private static JsonObject jdk() {
        RunManifest.Jdk jdk = Environment.jdk();
        return new JsonObject().put("version", jdk.version()).put("vendor", jdk.vendor()).put("vm", jdk.vm())
                .put("home", jdk.home());
    }

    private void onRequest(Message<JsonObject> m) {
        JsonObject request = m.body();
        String op = request.getString("op", "");
        switch (op) {
            case "info" -> m.reply(info());
            case "time" -> m.reply(new JsonObject().put("nanos", Clocks.nanoTime()));
            case "start", "stop", "sync", "fetch" -> work.execute(() -> {
                try {
                    m.reply(switch (op) {
                        case "start" -> start(request);
                        case "stop" -> stop(request);
                        case "sync" -> sync(request);
                        default -> fetch(request);
                    });
                } catch (RefusedException e) {
                    m.fail(400, e.getMessage());
                } catch (Exception e) {
                    m.fail(500, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            });
            default -> m.fail(400, "agent " + name + " runs only pushbench's roles; unknown request '" + op + "'");
        }
    }

    /** Starts a role's JVM with its spec file in its own directory, and relays its messages to {@code replyTo}. */
    private JsonObject start(JsonObject request) throws Exception {
        String role = request.getString("role", "");
        String id = request.getString("child", "");
        String replyTo = request.getString("replyTo");
        String content = request.getString("content");
        if (!SPEC_FILE.containsKey(role)) {
            throw new RefusedException("agent " + name + " runs only the roles server and loadgen, not '" + role + "'");
        }
        if (!CHILD_ID.matcher(id).matches() || children.containsKey(id)) {
            throw new RefusedException("child id '" + id + "' is not a fresh [a-z0-9-] name");
        }
        if (replyTo == null || content == null) {
            throw new RefusedException("start needs replyTo and content");
        }
        Path childDir = dir.resolve(id);
        Files.createDirectories(childDir);
        Path spec = childDir.resolve(SPEC_FILE.get(role));
        Files.writeString(spec, content, StandardCharsets.UTF_8);
        try {
            // a spec is checked as what it claims to be before a JVM is started on it
            if (role.equals("server")) {
                ChildSpecs.read(spec, ChildSpecs.ServeFile.class);
            } else {
                ChildSpecs.read(spec, ChildSpecs.LoadFile.class).toLoadSpec();
            }
        } catch (Exception e) {
            throw new RefusedException("the " + SPEC_FILE.get(role) + " sent is not one: " + e.getMessage());
        }
        // a load generator waits for the controller's ramp as on one machine: its go names the spec in its directory
        List<String> args = role.equals("server") ? List.of("serve", "--config", spec.getFileName().toString())
                : List.of("load", "--await-config");
        ChildProcess process = ChildProcess.start(role, childJvmOptions(), args, childDir.resolve(role + ".log"), childDir);
        MessageConsumer<String> input = node.bus().consumer(ClusterNode.childAddress(cluster, name, id), m -> {
            try {
                process.send(ControlCodec.decode(m.body()));
            } catch (ChildException | RuntimeException e) {
                // its exit is reported by the pump
            }
        });
        if (role.equals("loadgen")) {
            process.send(new ControlMessage.Go(spec.getFileName().toString()));
        }
        Running running = new Running(id, role, process, request.getString("controller", ""), childDir, input);
        children.put(id, running);
        Thread pump = new Thread(() -> pump(running, replyTo), "pushbench-agent-" + id);
        pump.setDaemon(true);
        pump.start();
        out.printf("%s started %s %s (PID %d) for %s%n", Instant.now(), role, id, process.pid(), replyTo);
        return new JsonObject().put("pid", process.pid());
    }

    /** The child's messages to the controller, until it exits; then its exit and its last words. */
    private void pump(Running running, String replyTo) {
        String exit;
        try {
            for (;;) {
                ControlMessage message = running.process().receive(Duration.ofSeconds(1));
                if (message == null) {
                    continue;
                }
                if (message instanceof ControlMessage.Interval i) {
                    message = new ControlMessage.Interval(name, i.seq(), i.tag(), i.startMillis(), i.endMillis(), i.histogram());
                }
                node.bus().send(replyTo, new JsonObject().put("agent", name).put("child", running.id())
                        .put("message", ControlCodec.encode(message)));
            }
        } catch (ChildException e) {
            exit = e.getMessage();
        } catch (InterruptedException e) {
            exit = "interrupted";
        }
        running.input().unregister();
        node.bus().send(replyTo, new JsonObject().put("agent", name).put("child", running.id()).put("exited", exit));
        out.printf("%s %s %s ended: %s%n", Instant.now(), running.role(), running.id(), exit);
    }

    private JsonObject stop(JsonObject request) {
        Running running = children.remove(request.getString("child", ""));
        if (running != null) {
            running.process().close();
        }
        return new JsonObject().put("stopped", running != null);
    }

    /** Hands back one of a child's files (its log, its own hlog), at most {@link #FETCH_LIMIT} bytes of its end. */
    private JsonObject fetch(JsonObject request) throws IOException, RefusedException {
        String id = request.getString("child", "");
        String file = request.getString("name", "");
        if (!CHILD_ID.matcher(id).matches() || !FETCHABLE.contains(file)) {
            throw new RefusedException("agent " + name + " hands back only " + FETCHABLE + " of its children");
        }
        Path path = dir.resolve(id).resolve(file);
        if (!Files.isRegularFile(path)) {
            return new JsonObject().put("missing", true);
        }
        byte[] bytes = Files.readAllBytes(path);
        int from = Math.max(0, bytes.length - FETCH_LIMIT);
        return new JsonObject().put("content", new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8))
                .put("truncated", from > 0);
    }

    /**
     * Estimates this host's clock against the serving agent's: exchanges over the event bus (its {@code time}
     * request) and over its time server's TCP socket, the best of each.
     */
    private JsonObject sync(JsonObject request) throws Exception {
        String server = request.getString("server");
        int samples = request.getInteger("samples", 50);
        String serverAddress = ClusterNode.agentAddress(cluster, server);
        ClockSync.Estimate bus = ClockSync.estimate(() -> {
            long sent = Clocks.nanoTime();
            JsonObject answer;
            try {
                answer = node.request(serverAddress, new JsonObject().put("op", "time"), CLOCK_TIMEOUT);
            } catch (ClusterException e) {
                throw new IOException("the serving agent " + server + " did not answer a clock request: " + e.getMessage());
            }
            long received = Clocks.nanoTime();
            return new ClockSync.Sample(sent, answer.getLong("nanos"), received);
        }, samples, Duration.ofMillis(1), "event-bus");
        ClockSync.Estimate tcp;
        try (TimeClient client = TimeServer.client(request.getString("tcpHost"), request.getInteger("tcpPort"), CLOCK_TIMEOUT)) {
            tcp = ClockSync.estimate(client, samples, Duration.ofMillis(1), "tcp");
        }
        return new JsonObject().put("bus", estimateJson(bus)).put("tcp", estimateJson(tcp));
    }

    static JsonObject estimateJson(ClockSync.Estimate e) {
        return new JsonObject().put("offsetNanos", e.offsetNanos()).put("errorNanos", e.errorNanos())
                .put("rttNanos", e.rttNanos()).put("samples", e.samples()).put("via", e.via());
    }

    static ClockSync.Estimate estimate(JsonObject j) {
        return new ClockSync.Estimate(j.getLong("offsetNanos"), j.getLong("errorNanos"), j.getLong("rttNanos"),
                j.getInteger("samples"), j.getString("via"));
    }

    /** A controller that left: the children it started end (their JVMs exit when their input closes). */
    private void memberLeft(String nodeId) {
        for (Running r : children.values()) {
            if (r.controllerNode().equals(nodeId)) {
                out.printf("%s the controller of %s %s left the cluster; ending it%n", Instant.now(), r.role(), r.id());
                children.remove(r.id());
                r.process().close();
            }
        }
    }

    public String name() {
        return name;
    }

    /** Ends every child at once and leaves the cluster. */
    @Override
    public void close() {
        for (Running r : children.values()) {
            r.process().kill();
        }
        children.clear();
        for (MessageConsumer<?> c : consumers) {
            c.unregister();
        }
        timeServer.close();
        node.close();
        work.shutdownNow();
    }

    /** A request the agent will not carry out: it is not one of pushbench's roles or files. */
    static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message, null, false, false);
        }
    }
}
