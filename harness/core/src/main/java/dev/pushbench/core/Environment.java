package dev.pushbench.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every result says about where it was produced (JMH's and jetty-load-generator's habit): the
 * git commit and whether the tree was dirty, the JDK, the OS, the cores. One source for the run
 * manifests of scenario runs and of micro-benchmark runs.
 *
 * <pre>
 *   manifest.put("git", Environment.git());
 *   manifest.put("jdk", Environment.jdk());
 * </pre>
 */
public final class Environment {
    private Environment() {
    }

    /** {@code {commit, dirty}} of the git checkout in the working directory, or "unknown" outside one. */
    public static Map<String, Object> git() {
        Map<String, Object> g = new LinkedHashMap<>();
        String commit = command("git", "rev-parse", "HEAD");
        g.put("commit", commit == null ? "unknown (not a git checkout)" : commit);
        String status = commit == null ? null : command("git", "status", "--porcelain", "--untracked-files=no");
        g.put("dirty", status != null && !status.isEmpty());
        return g;
    }

    public static Map<String, Object> jdk() {
        Map<String, Object> jdk = new LinkedHashMap<>();
        jdk.put("version", System.getProperty("java.version"));
        jdk.put("vendor", System.getProperty("java.vendor"));
        jdk.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        jdk.put("home", System.getProperty("java.home"));
        return jdk;
    }

    public static Map<String, Object> os() {
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("version", System.getProperty("os.version"));
        os.put("arch", System.getProperty("os.arch"));
        return os;
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
