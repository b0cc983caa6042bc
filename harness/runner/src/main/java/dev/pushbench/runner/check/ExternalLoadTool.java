package dev.pushbench.runner.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load tool no one here wrote, run as a reference for the suite's own generator: {@code wrk} for
 * HTTP/1.1 and {@code h2load} (nghttp2) for h2c, each closed-loop (a connection sends its next
 * request when the answer arrives), one request in flight per connection.
 *
 * <pre>
 *   ExternalLoadTool tool = ExternalLoadTool.forProtocol(Protocol.HTTP_1_1);
 *   tool.missing();                                          // Optional["wrk is not installed: apt-get install wrk"]
 *   Measured m = tool.run("http://127.0.0.1:8080/poll/t0", 50, 2, Duration.ofSeconds(10));
 *   m.requestsPerSecond(); m.cpuMicrosPerRequest();
 * </pre>
 *
 * <p>The tool runs under bash's {@code time}, so its CPU figure is the user plus system time of the
 * whole process, start to exit, the same kind of figure as the generator's process CPU.
 */
public enum ExternalLoadTool {
    WRK("wrk", "wrk"),
    H2LOAD("h2load", "nghttp2-client");

    private static final Pattern CPU = Pattern.compile("pushbench-cpu ([0-9.]+) ([0-9.]+)");
    private static final Pattern WRK_REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(ms|s|m)");
    private static final Pattern WRK_ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)|Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern H2LOAD_REQUESTS = Pattern.compile("requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");
    private static final Pattern H2LOAD_FINISHED = Pattern.compile("finished in ([0-9.]+)(ms|s)");

    private final String command;
    private final String debianPackage;

    ExternalLoadTool(String command, String debianPackage) {
        this.command = command;
        this.debianPackage = debianPackage;
    }

    /** What one run of the tool measured: requests answered, over how long, and its CPU. */
    public record Measured(String tool, long requests, long failed, double seconds, double cpuSeconds, String output) {
        public double requestsPerSecond() {
            return requests / seconds;
        }

        public double cpuMicrosPerRequest() {
            return requests == 0 ? Double.NaN : cpuSeconds * 1e6 / requests;
        }
    }

    public String command() {
        return command;
    }

    /** Why the tool cannot run here (not installed, and which package has it), or empty. */
    public Optional<String> missing() {
        try {
            Process p = new ProcessBuilder("bash", "-c", "command -v " + command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.of("cannot run bash to look for " + command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
        return Optional.of(command + " is not installed: apt-get install " + debianPackage);
    }

    /** The arguments for a closed-loop run of {@code connections} on {@code threads} threads for {@code duration}. */
    List<String> arguments(String url, int connections, int threads, Duration duration) {
        List<String> args = new ArrayList<>();
        args.add(command);
        if (this == WRK) {
            args.addAll(List.of("-t" + threads, "-c" + connections, "-d" + duration.toSeconds() + "s", url));
        } else {
            // -m1: one stream in flight per connection, as a polling client has; prior knowledge for http://
            args.addAll(List.of("-t" + threads, "-c" + connections, "-m1", "-D" + duration.toSeconds(), url));
        }
        return args;
    }

    /** Runs the tool and reads its output. */
    public Measured run(String url, int connections, int threads, Duration duration) throws IOException, InterruptedException {
        String line = String.join(" ", arguments(url, connections, threads, duration));
        Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='pushbench-cpu %U %S'; time " + line)
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not end within " + (duration.toSeconds() + 60) + " s");
        }
        return parse(new String(out, StandardCharsets.UTF_8), p.exitValue());
    }

    Measured parse(String output, int exitCode) throws IOException {
        Matcher cpu = CPU.matcher(output);
        if (exitCode != 0 || !cpu.find()) {
            throw new IOException(command + " failed (exit " + exitCode + "): " + tail(output));
        }
        double cpuSeconds = Double.parseDouble(cpu.group(1)) + Double.parseDouble(cpu.group(2));
        if (this == WRK) {
            Matcher m = WRK_REQUESTS.matcher(output);
            if (!m.find()) {
                throw new IOException("cannot read wrk's request count: " + tail(output));
            }
            long failed = 0;
            Matcher e = WRK_ERRORS.matcher(output);
            while (e.find()) {
                for (int g = 1; g <= e.groupCount(); g++) {
                    failed += e.group(g) == null ? 0 : Long.parseLong(e.group(g));
                }
            }
            return new Measured("wrk", Long.parseLong(m.group(1)), failed, seconds(m.group(2), m.group(3)), cpuSeconds, output);
        }
        Matcher r = H2LOAD_REQUESTS.matcher(output);
        Matcher f = H2LOAD_FINISHED.matcher(output);
        if (!r.find() || !f.find()) {
            throw new IOException("cannot read h2load's request counts: " + tail(output));
        }
        long failed = Long.parseLong(r.group(5)) + Long.parseLong(r.group(6));
        return new Measured("h2load", Long.parseLong(r.group(4)), failed, seconds(f.group(1), f.group(2)), cpuSeconds, output);
    }

    private static double seconds(String number, String unit) {
        double v = Double.parseDouble(number);
        return switch (unit) {
            case "ms" -> v / 1000;
            case "m" -> v * 60;
            default -> v;
        };
    }

    private static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() <= 400 ? trimmed : "…" + trimmed.substring(trimmed.length() - 400);
    }
}
