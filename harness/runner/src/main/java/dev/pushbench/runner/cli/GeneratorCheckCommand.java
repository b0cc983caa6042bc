package dev.pushbench.runner.cli;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.runner.check.ExternalLoadTool;
import dev.pushbench.runner.check.GeneratorCheck;
import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.scenario.ScenarioUnits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pushbench generator-check}: is the load generator light enough on this machine? Prints, per
 * stack and protocol, short polling's request rate and CPU per request against wrk's and h2load's
 * on the same server and connections, and, per stack and stream transport, the generator's CPU per
 * read against a bare java.nio read loop's (with events per read on both sides, and the generator's
 * CPU per delivered message); each line says whether it meets the goal (rate ≥ 1.0×, CPU ≤ 1.1×;
 * streams ≤ 1.2×). {@code scripts/generator-check.sh} runs it.
 */
@Command(name = "generator-check", mixinStandardHelpOptions = true,
        description = {"Hold the load generator to wrk, h2load and a bare java.nio read loop on this machine.",
                "Short polling: request rate and CPU per request, closed loop, same server and connections.",
                "Streams: CPU per read() against a loop that only reads, events per read on both sides, CPU per message."})
final class GeneratorCheckCommand implements Callable<Integer> {
    static final double RATE_GOAL = 1.0;
    static final double POLL_CPU_GOAL = 1.1;
    static final double STREAM_CPU_GOAL = 1.2;

    @Option(names = "--stacks", split = ",", defaultValue = "jetty,vertx", paramLabel = "STACK", description = "stacks (default: ${DEFAULT-VALUE})")
    List<String> stacks;

    @Option(names = "--protocols", split = ",", defaultValue = "http1.1,h2c", paramLabel = "PROTOCOL",
            description = "short-polling protocols: http1.1 (against wrk), h2c (against h2load); 'none' for none (default: ${DEFAULT-VALUE})")
    List<String> protocols;

    @Option(names = "--streams", split = ",", defaultValue = "sse,websocket", paramLabel = "TRANSPORT",
            description = "stream transports held to the bare read loop, over http1.1; 'none' for none (default: ${DEFAULT-VALUE})")
    List<String> streams;

    @Option(names = "--poll-connections", defaultValue = "50", description = "short-polling connections (default: ${DEFAULT-VALUE})")
    int pollConnections;

    @Option(names = "--stream-connections", defaultValue = "1000", description = "stream subscribers of one topic (default: ${DEFAULT-VALUE})")
    int streamConnections;

    @Option(names = "--stream-rate", defaultValue = "100/s", description = "events per second on that topic (default: ${DEFAULT-VALUE}:"
            + " 1000 × 100/s = 100,000 delivered per second)")
    String streamRate;

    @Option(names = "--warmup", defaultValue = "3s", description = "warm-up before each measured window (default: ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--duration", defaultValue = "10s", description = "each measured window (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--repeats", defaultValue = "3", description = "runs of each comparison; the goal is judged on the median"
            + " ratio, and its spread printed (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--engine", defaultValue = "nio", description = "the generator's client engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "where the children's specs and logs go (default: a new temporary directory)")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        GeneratorCheck.Settings settings = settings();
        List<Protocol> pollProtocols = new ArrayList<>();
        for (String p : protocols) {
            if (p.equals("none")) {
                continue;
            }
            Protocol protocol = parse(() -> Protocol.fromId(p));
            if (protocol.isTls()) {
                throw new BadInputException("--protocols: " + p + " has no reference tool here; allowed: http1.1 (wrk), h2c (h2load)");
            }
            pollProtocols.add(protocol);
        }
        List<Transport> streamTransports = new ArrayList<>();
        for (String t : streams) {
            if (!t.equals("none")) {
                Transport transport = parse(() -> Transport.fromId(t));
                if (transport != Transport.SSE && transport != Transport.WEBSOCKET) {
                    throw new BadInputException("--streams: " + t + " is not a stream; allowed: sse, websocket, none");
                }
                streamTransports.add(transport);
            }
        }
        for (Protocol p : pollProtocols) {
            ExternalLoadTool tool = p.isHttp2() ? ExternalLoadTool.H2LOAD : ExternalLoadTool.WRK;
            if (tool.missing().isPresent()) {
                throw new BadInputException(tool.missing().get());
            }
        }
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("pushbench-generator-check");
        System.out.println("generator-check: engine " + settings.engine() + ", " + settings.threads() + " threads for every client; logs in " + dir);
        GeneratorCheck check = new GeneratorCheck(dir, settings, System.out);
        boolean allMet = true;
        List<String> lines = new ArrayList<>();
        if (!pollProtocols.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "short polling, %d connections, closed loop, %d s windows:", settings.pollConnections(),
                    settings.duration().toSeconds()));
            lines.add(String.format(Locale.ROOT, "  %-6s %-8s %-7s %12s %10s %12s %10s %7s %7s  %s", "stack", "protocol", "tool",
                    "tool req/s", "tool µs/r", "ours req/s", "ours µs/r", "rate×", "cpu×", "goal"));
            for (String stack : stacks) {
                for (Protocol protocol : pollProtocols) {
                    List<Double> rates = new ArrayList<>();
                    List<Double> cpus = new ArrayList<>();
                    String failures = "";
                    for (int r = 1; r <= repeats; r++) {
                        GeneratorCheck.PollComparison c = check.shortPolling(stack, protocol);
                        rates.add(c.rateRatio());
                        cpus.add(c.cpuRatio());
                        failures += failures(c);
                        lines.add(String.format(Locale.ROOT, "  %-6s %-8s %-7s %12.0f %10.2f %12.0f %10.2f %7.2f %7.2f  run %d", stack,
                                protocol.id(), c.reference().tool(), c.reference().requestsPerSecond(), c.reference().cpuMicrosPerRequest(),
                                c.generatorRequestsPerSecond(), c.generatorCpuMicrosPerRequest(), c.rateRatio(), c.cpuRatio(), r));
                    }
                    boolean met = median(rates) >= RATE_GOAL && median(cpus) <= POLL_CPU_GOAL && failures.isEmpty();
                    allMet &= met;
                    lines.add(String.format(Locale.ROOT, "  %-6s %-8s %-7s %12s %10s %12s %10s %7.2f %7.2f  %s (median; rate %s, cpu %s)%s",
                            stack, protocol.id(), "", "", "", "", "", median(rates), median(cpus), met ? "met" : "MISSED",
                            spread(rates), spread(cpus), failures));
                }
            }
        }
        if (!streamTransports.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "streams over http1.1, %d subscribers of one topic at %s = %.0f events/s:",
                    settings.streamConnections(), streamRate, settings.streamConnections() * settings.streamRatePerSecond()));
            lines.add(String.format(Locale.ROOT, "  %-6s %-9s %10s %10s %10s %10s %10s %10s %7s  %s", "stack", "transport",
                    "floor µs/r", "floor ev/r", "ours µs/r", "ours ev/r", "ours µs/m", "ours p99ms", "cpu×", "goal"));
            for (String stack : stacks) {
                for (Transport transport : streamTransports) {
                    List<Double> ratios = new ArrayList<>();
                    long lost = 0;
                    for (int r = 1; r <= repeats; r++) {
                        GeneratorCheck.StreamComparison c = check.stream(stack, transport);
                        ratios.add(c.ratio());
                        lost += c.generatorLost();
                        lines.add(String.format(Locale.ROOT, "  %-6s %-9s %10.2f %10.2f %10.2f %10.2f %10.2f %10.1f %7.2f  run %d", stack,
                                transport.id(), c.floorCpuMicrosPerRead(), c.eventsPerRead(), c.generatorCpuMicrosPerRead(),
                                c.generatorEventsPerRead(), c.generatorCpuMicrosPerMessage(), c.generatorP99Millis(), c.ratio(), r));
                    }
                    boolean met = median(ratios) <= STREAM_CPU_GOAL && lost == 0;
                    allMet &= met;
                    lines.add(String.format(Locale.ROOT, "  %-6s %-9s %10s %10s %10s %10s %10s %10s %7.2f  %s (median; %s)%s", stack,
                            transport.id(), "", "", "", "", "", "", median(ratios), met ? "met" : "MISSED", spread(ratios),
                            lost > 0 ? " (lost " + lost + ")" : ""));
                }
            }
        }
        System.out.println();
        lines.forEach(System.out::println);
        System.out.println(allMet ? "every goal met" : "some goals missed (see MISSED)");
        return allMet ? Cli.OK : Cli.FAILED;
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String spread(List<Double> values) {
        return String.format(Locale.ROOT, "%.2f–%.2f", values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }

    private static String failures(GeneratorCheck.PollComparison c) {
        String s = "";
        if (c.reference().failed() > 0) {
            s += " (" + c.reference().tool() + " failed " + c.reference().failed() + ")";
        }
        if (c.generatorProtocolErrors() > 0) {
            s += " (protocol errors " + c.generatorProtocolErrors() + ")";
        }
        return s;
    }

    private GeneratorCheck.Settings settings() throws BadInputException {
        if (repeats < 1) {
            throw new BadInputException("--repeats must be at least 1, got " + repeats);
        }
        if (pollConnections < 1 || streamConnections < 1) {
            throw new BadInputException("--poll-connections and --stream-connections must be at least 1, got "
                    + pollConnections + " and " + streamConnections);
        }
        Duration w = parse(() -> ScenarioUnits.parseDuration(warmup));
        Duration d = parse(() -> ScenarioUnits.parseDuration(duration));
        if (d.toSeconds() < 1) {
            throw new BadInputException("--duration must be at least 1s, got " + duration);
        }
        double rate = parse(() -> ScenarioUnits.parseRate(streamRate));
        ClientEngineKind kind = parse(() -> ClientEngineKind.fromId(engine));
        return new GeneratorCheck.Settings(pollConnections, streamConnections, rate, w, d, kind,
                Runtime.getRuntime().availableProcessors());
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(Parse<T> p) throws BadInputException {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
