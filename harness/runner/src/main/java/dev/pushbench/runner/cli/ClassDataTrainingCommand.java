package dev.pushbench.runner.cli;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import dev.pushbench.model.JsonFiles;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code pushbench class-data-training}: loads the classes a server and a load generator JVM load,
 * so that the runner can list them ({@code -XX:DumpLoadedClassList}) and build a class-data sharing
 * archive from them (see {@code ClassDataArchive}). Serves every stack over every protocol on
 * loopback for a moment and runs the quick conformance checks, whose clients are the load
 * generator's; prints one JSON line per stack and protocol.
 */
@Command(name = "class-data-training", hidden = true, mixinStandardHelpOptions = true,
        description = "Load the classes of every stack, protocol and client once (used to build the class-data archive).")
final class ClassDataTrainingCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        FeedSpec feed = new FeedSpec(1, 50, 64, 64);
        for (ServerStack stack : ServiceLoader.load(ServerStack.class)) {
            for (Protocol protocol : List.of(Protocol.H2, Protocol.HTTPS_1_1, Protocol.H2C, Protocol.HTTP_1_1)) {
                ServerConfig config = ServerConfig.defaults(protocol);
                int failed = 0;
                try (EventFeed events = new EventFeed(feed);
                     PushContext context = new PushContext(events, config);
                     PushServer server = stack.start(context)) {
                    events.start(System.nanoTime());
                    for (Transport transport : Transport.values()) {
                        failed += Verification.quick(stack.id(), config.host(), server.port(), protocol, transport, feed,
                                config.tls() == null ? null : config.tls().certificatePem()).size();
                    }
                }
                System.out.println(JsonFiles.line(Map.of("stack", stack.id(), "protocol", protocol.id(), "failedChecks", failed)));
            }
        }
        new dev.pushbench.loadgen.Recorders().collectInterval();
        return Cli.OK;
    }
}
