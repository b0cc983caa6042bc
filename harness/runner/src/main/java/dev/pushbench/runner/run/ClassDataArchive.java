package dev.pushbench.runner.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A class-data sharing (AppCDS) archive of pushbench's shaded jar, so that the two JVMs each cell
 * starts map their classes pre-parsed instead of loading and verifying them from the jar: measured
 * on the 2-core machine, a Jetty h2 server reached "listening" in 1.4 s instead of 2.3–3.0 s, with
 * 1.4 instead of 2.4 CPU seconds. It changes how fast a JVM starts, not how the started one runs,
 * so no measured figure depends on it; the run manifest names the archive.
 *
 * <p>Built once per jar and JVM (the file name hashes both), next to the jar: a training JVM
 * ({@code pushbench class-data-training}) serves and checks every stack and protocol while the JVM
 * lists the classes it loads, then {@code java -Xshare:dump} writes the archive. Only when the
 * runner runs from a jar (not from class directories, as in the tests). {@code PUSHBENCH_CDS=off}
 * turns it off; if building it fails the run goes on without it, saying so.
 */
public final class ClassDataArchive {
    private static final long STEP_TIMEOUT_SECONDS = 180;

    private ClassDataArchive() {
    }

    /** The JVM options that use the archive, building it first if needed; empty when there is none. */
    public static List<String> jvmOptions(PrintStream out) {
        String classPath = System.getProperty("java.class.path");
        if ("off".equalsIgnoreCase(System.getenv("PUSHBENCH_CDS")) || classPath == null
                || classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
            return List.of();
        }
        Path jar = Path.of(classPath).toAbsolutePath();
        try {
            Path archive = archiveFor(jar);
            if (!Files.isRegularFile(archive)) {
                out.println("building a class-data archive for faster JVM starts (once per build): " + archive);
                build(jar, archive);
            }
            // unified-logging warnings (a stale archive, say) go to the logs: standard output is the JSON line channel
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:all=warning:stderr");
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            out.println("no class-data archive (" + e.getMessage() + "); JVMs start without it, a second slower each");
            return List.of();
        }
    }

    /** {@code <jar dir>/class-data/pushbench-<hash of jar path, size, time, JVM>.jsa}. */
    static Path archiveFor(Path jar) throws IOException {
        String key = jar + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis() + "|"
                + System.getProperty("java.home") + "|" + System.getProperty("java.vm.version");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return jar.getParent().resolve("class-data").resolve("pushbench-" + HexFormat.of().formatHex(hash, 0, 8) + ".jsa");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    private static void build(Path jar, Path archive) throws IOException, InterruptedException {
        Path dir = archive.getParent();
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.deleteIfExists(p); // archives of earlier builds: never valid again
            }
        }
        Path classList = dir.resolve("classes.lst");
        Path log = dir.resolve("build.log");
        Path partial = dir.resolve(archive.getFileName() + ".partial");
        String java = ChildProcess.javaCommand();
        step(log, java, "-XX:DumpLoadedClassList=" + classList, "-cp", jar.toString(),
                "dev.pushbench.runner.cli.PushbenchCli", "class-data-training");
        step(log, java, "-Xshare:dump", "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + partial,
                "-cp", jar.toString());
        // -Xshare:on fails instead of silently loading from the jar: proof that a JVM can map it
        step(log, java, "-Xshare:on", "-XX:SharedArchiveFile=" + partial, "-cp", jar.toString(),
                "dev.pushbench.runner.cli.PushbenchCli", "clock");
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(classList);
    }

    private static void step(Path log, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("'" + String.join(" ", cmd) + "' took over " + STEP_TIMEOUT_SECONDS + " s; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException("'" + cmd.get(cmd.size() - 1) + "' step exited " + p.exitValue() + "; see " + log);
        }
    }
}
