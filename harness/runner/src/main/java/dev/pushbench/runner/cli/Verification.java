package dev.pushbench.runner.cli;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.verify.Check;
import dev.pushbench.loadgen.verify.CheckResult;
import dev.pushbench.loadgen.verify.Conformance;
import dev.pushbench.loadgen.verify.ConformanceLevel;
import dev.pushbench.loadgen.verify.ConformanceTarget;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/** The runner's verify step: the quick conformance checks of the cell's transport (and of none) against a freshly started server. */
public final class Verification {
    private Verification() {
    }

    /**
     * @param certificatePem for {@code https1.1} and {@code h2}: the server's certificate, the only one trusted; null for cleartext
     * @return the failed checks, one message each (empty: the server may be measured)
     */
    public static List<String> quick(String stack, String host, int port, Protocol protocol, Transport transport, FeedSpec feed,
                                     String certificatePem) throws Exception {
        ServerStack server = ServerStack.named(stack);
        ConformanceTarget target = new ConformanceTarget(URI.create(protocol.scheme() + "://" + host + ":" + port), protocol, feed, null, null,
                certificatePem);
        // the cell's transport and the checks of no transport (protocol, errors): the other transports'
        // checks run in their own cells, and skipping them here halves the verify of a cell
        List<CheckResult> results = new java.util.ArrayList<>();
        try (Conformance conformance = Conformance.open(target)) {
            for (Check check : Conformance.checks(ConformanceLevel.QUICK)) {
                if (check.transport() == null || check.transport() == transport) {
                    results.add(conformance.run(check));
                }
            }
        }
        return results.stream()
                .filter(CheckResult::failed)
                // a check of a transport the stack declares unsupported over this protocol (Vert.x: WebSocket over
                // h2) cannot pass and says nothing about this cell; the TCK skips it alike
                .filter(r -> r.check().transport() == null || server.unsupported(r.check().transport(), protocol).isEmpty())
                .map(CheckResult::toString)
                .collect(Collectors.toList());
    }
}
