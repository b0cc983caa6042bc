package dev.pushbench.runner.cli;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.loadgen.verify.CheckResult;
import dev.pushbench.loadgen.verify.Conformance;
import dev.pushbench.loadgen.verify.ConformanceLevel;
import dev.pushbench.loadgen.verify.ConformanceTarget;
import dev.pushbench.runner.run.BadInputException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pushbench verify}: the conformance suite against a running server. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a running server against the push contract (content types, framing, resume, cursors, holds, errors).",
                "The feed options must match the server's feed. Exit 0 when every check passes, 1 otherwise."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "the server, http://host:port (https://host:port for https1.1 and h2)")
    URI url;

    @Option(names = "--protocol", defaultValue = "http1.1", description = "http1.1, h2c, https1.1 or h2 (default: ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--trust-pem", paramLabel = "FILE",
            description = "for an https URL: the server's certificate (PEM), the only one trusted (the certificatePem of 'pushbench serve')")
    Path trustPem;

    @Option(names = "--level", defaultValue = "quick", description = "quick (structure, ~1 s) or full (delivery semantics; needs >= 20 events/s per topic); default: ${DEFAULT-VALUE}")
    String level;

    @Option(names = "--topics", defaultValue = "1", description = "the server feed's topics (default: ${DEFAULT-VALUE})")
    int topics;

    @Option(names = "--rate", defaultValue = "20", description = "the server feed's events per second per topic (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--payload", defaultValue = "256", description = "the server feed's payload bytes (default: ${DEFAULT-VALUE})")
    int payload;

    @Option(names = "--history", defaultValue = "1024", description = "the server feed's history per topic (default: ${DEFAULT-VALUE})")
    int history;

    @Option(names = "--heartbeat-millis", description = "the server's heartbeat interval, to check heartbeats (optional)")
    Long heartbeatMillis;

    @Option(names = "--hold-millis", description = "the server's long-poll hold, to check hold timeouts (optional)")
    Long holdMillis;

    @Override
    public Integer call() throws Exception {
        ConformanceTarget target;
        ConformanceLevel lvl;
        try {
            FeedSpec feed = new FeedSpec(topics, rate, payload, history);
            Protocol p = Protocol.fromId(protocol);
            if (p.isTls() && trustPem == null) {
                throw new IllegalArgumentException("--protocol " + p + " needs --trust-pem FILE, the server's certificate to trust");
            }
            if (!p.isTls() && trustPem != null) {
                throw new IllegalArgumentException("--trust-pem is for https1.1 and h2, got --protocol " + p);
            }
            target = new ConformanceTarget(url, p, feed,
                    heartbeatMillis == null ? null : Duration.ofMillis(heartbeatMillis),
                    holdMillis == null ? null : Duration.ofMillis(holdMillis),
                    trustPem == null ? null : readPem(trustPem));
            lvl = ConformanceLevel.fromId(level);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        List<CheckResult> results = Conformance.run(target, lvl);
        long failed = 0;
        for (CheckResult r : results) {
            System.out.println(r);
            if (r.failed()) {
                failed++;
            }
        }
        System.out.printf("verify: %d checks passed, %d failed%n", results.size() - failed, failed);
        return failed == 0 ? Cli.OK : Cli.FAILED;
    }

    private static String readPem(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("--trust-pem " + file + ": cannot read it: " + e.getMessage());
        }
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("--trust-pem " + file + ": not a PEM certificate (no -----BEGIN CERTIFICATE----- line)");
        }
        return pem;
    }
}
