package dev.pushbench.runner.cli;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.verify.CheckResult;
import dev.pushbench.loadgen.verify.Conformance;
import dev.pushbench.loadgen.verify.Level;
import dev.pushbench.loadgen.verify.Target;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/** The runner's verify step: the quick conformance level against a freshly started server. */
public final class Verification {
    private Verification() {
    }

    /**
     * @param certificatePem for {@code https1.1} and {@code h2}: the server's certificate, the only one trusted; null for cleartext
     * @return the failed checks, one message each (empty: the server may be measured)
     */
    public static List<String> quick(String host, int port, Protocol protocol, Transport transport, FeedSpec feed,
                                     String certificatePem) throws Exception {
        Target target = new Target(URI.create(protocol.scheme() + "://" + host + ":" + port), protocol, feed, null, null,
                certificatePem);
        List<CheckResult> results = Conformance.run(target, Level.QUICK);
        return results.stream().filter(CheckResult::failed).map(CheckResult::toString).collect(Collectors.toList());
    }
}
