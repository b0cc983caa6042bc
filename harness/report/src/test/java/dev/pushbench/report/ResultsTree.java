package dev.pushbench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Builds results directories for tests: copies of the committed fixtures, or files written in place. */
final class ResultsTree {
    /** The committed interrupted run: cells ok, failed, unsupported, and one listed but never run. */
    static final String QUICK_RUN = "20261125-153000-quick";
    /** A real run of the Jetty stack, copied as written: 8 ok cells with hlogs, process snapshots, no costs. */
    static final String MINI_RUN = "20261125-154641-mini";

    private ResultsTree() {
    }

    /** Copies {@code src/test/resources/runs/<runId>} into {@code resultsDir/<runId>}. */
    static Path copyFixture(String runId, Path resultsDir) throws IOException {
        Path source;
        try {
            source = Path.of(ResultsTree.class.getResource("/runs/" + runId).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path target = resultsDir.resolve(runId);
        try (Stream<Path> paths = Files.walk(source)) {
            paths.forEach(path -> {
                Path copy = target.resolve(source.relativize(path).toString());
                try {
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(path, copy);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return target;
    }

    /** Writes {@code text} to {@code dir/relative}, creating directories. */
    static Path write(Path dir, String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** A minimal ok summary for {@code name} with the given p50 latency in microseconds. */
    static String okSummary(String stack, String transport, String protocol, long p50Micros) {
        return """
                {"cell":{"stack":"%s","transport":"%s","protocol":"%s"},"name":"%s-%s-%s","status":"ok","reason":null,
                 "delivery":{"expected":100,"delivered":100,"lost":0,"duplicated":0,"reordered":0},
                 "latencyMicros":{"count":100,"mean":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d},
                 "latencyActualMicros":{"count":100,"mean":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}
                """.formatted(stack, transport, protocol, stack, transport, protocol,
                p50Micros, p50Micros, p50Micros, p50Micros, p50Micros, p50Micros,
                p50Micros, p50Micros, p50Micros, p50Micros, p50Micros, p50Micros);
    }
}
