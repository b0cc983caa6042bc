package dev.pushbench.core;

import dev.pushbench.model.result.RunManifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What every result says about where it was produced (JMH's and jetty-load-generator's habit): the
 * git commit and whether the tree was dirty, the JDK, the OS, the cores. One source for the run
 * manifests of scenario runs and of micro-benchmark runs.
 *
 * <pre>
 *   new RunManifest(runId, status, started, null, scenario, Environment.git(), Environment.jdk(), Environment.os(), ...)
 * </pre>
 */
public final class Environment {
    private Environment() {
    }

    /** {@code {commit, dirty}} of the git checkout in the working directory, or "unknown" outside one. */
    public static RunManifest.Git git() {
        String commit = command("git", "rev-parse", "HEAD");
        String status = commit == null ? null : command("git", "status", "--porcelain", "--untracked-files=no");
        return new RunManifest.Git(commit == null ? "unknown (not a git checkout)" : commit, status != null && !status.isEmpty());
    }

    public static RunManifest.Jdk jdk() {
        return new RunManifest.Jdk(System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"), System.getProperty("java.home"));
    }

    public static RunManifest.Os os() {
        return new RunManifest.Os(System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
    }

    /** The command's trimmed output, or null if it failed or is not there. */
    private static String command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
