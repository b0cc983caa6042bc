package dev.pushbench.runner.proxy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A running nginx or HAProxy in front of one cell's server: started in the foreground by the runner,
 * its output in {@code proxy.log} in the cell's directory, stopped with the cell. Its CPU time and
 * memory are read from {@code /proc}, summed over the started process and all its descendants (nginx:
 * master and workers; HAProxy: master and one worker with a thread per CPU).
 *
 * <pre>
 *   ProxyConfig config = ProxyConfigs.write(setup);
 *   try (ProxyProcess proxy = ProxyProcess.start(setup, config, Duration.ofSeconds(10))) {
 *       ProxyProcess.Reading before = proxy.read();
 *       // … the cell's measurement window …
 *       ProxyProcess.Reading after = proxy.read();
 *       long cpuNanos = after.cpuNanos() - before.cpuNanos();
 *   }
 * </pre>
 *
 * <p>Lifecycle: {@link #start} returns once the proxy accepts TCP connections on its port;
 * {@link #close()} stops it gracefully (SIGTERM: nginx's fast shutdown, HAProxy's hard stop, both
 * closing open streams at once), kills what is left after {@link #STOP_GRACE}, and returns when every
 * process of the tree is gone. {@link #kill()} is the Ctrl-C path. A JVM shutdown hook kills every
 * proxy still running, so none outlives the run.
 */
public final class ProxyProcess implements AutoCloseable {
    /** How long {@link #close()} waits for the proxy to stop on SIGTERM before killing it. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** The log file, in the cell's directory: the proxy's standard output and error. */
    public static final String LOG_FILE = "proxy.log";

    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(200);
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_BYTES = 4096;

    private static final Set<ProxyProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ProxyProcess proxy : RUNNING) {
                proxy.kill();
            }
        }, "pushbench-proxy-reaper"));
    }

    private final ProxyKind kind;
    private final Process process;
    private final Path log;
    private final String version;
    /** Every PID of the tree seen so far, so that close() can wait for each to be gone. */
    private final Set<Long> seenPids = ConcurrentHashMap.newKeySet();

    /**
     * What the proxy's processes have spent so far.
     *
     * @param cpuNanos  user and system CPU time of every live process of the tree, plus what its reaped
     *                  children spent (the root's cutime and cstime), since start
     * @param rssBytes  resident memory summed over the live processes (shared pages counted in each)
     * @param processes how many processes the tree has
     * @param atNanos   {@link System#nanoTime()} when read
     */
    public record Reading(long cpuNanos, long rssBytes, int processes, long atNanos) {
    }

    private ProxyProcess(ProxyKind kind, Process process, Path log, String version) {
        this.kind = kind;
        this.process = process;
        this.log = log;
        this.version = version;
        seenPids.add(process.pid());
    }

    /**
     * Starts the proxy of {@code setup} with {@code config} and returns once it accepts TCP connections
     * on {@code setup.listenPort()}.
     *
     * @throws IOException with the tail of {@code proxy.log} when the proxy is not installed, exits, or
     *                     does not listen within {@code timeout}; the proxy is killed in that case
     */
    public static ProxyProcess start(ProxySetup setup, ProxyConfig config, Duration timeout) throws IOException {
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(config, "config");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        Path executable = setup.kind().executable().orElseThrow(() -> new IOException(setup.kind()
                + " is not installed (no " + setup.kind() + " on PATH or in /usr/sbin); install the Debian package "
                + setup.kind().debianPackage()));
        if (accepts(setup.host(), setup.listenPort())) {
            throw new IOException("cannot start " + setup.kind() + ": " + setup.host() + ":" + setup.listenPort()
                    + " already accepts connections, something else listens there");
        }
        String version = version(setup.kind(), executable);
        Path dir = setup.dir().toAbsolutePath();
        Path log = dir.resolve(LOG_FILE);
        Path file = config.file().toAbsolutePath();
        List<String> command = setup.kind() == ProxyKind.NGINX
                // the configuration says daemon off: nginx stays in the foreground as the runner's child
                ? List.of(executable.toString(), "-p", dir + "/", "-c", file.toString())
                // -W: master-worker, as Debian's systemd unit runs it (-Ws), which also writes the pidfile;
                // -db: in the foreground, as the runner's child
                : List.of(executable.toString(), "-W", "-db", "-f", file.toString());
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process.getOutputStream().close();
        ProxyProcess proxy = new ProxyProcess(setup.kind(), process, log, version);
        RUNNING.add(proxy);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException(setup.kind() + " exited with status " + process.exitValue()
                            + " before listening on " + setup.host() + ":" + setup.listenPort() + "; " + proxy.logTail());
                }
                if (accepts(setup.host(), setup.listenPort())) {
                    proxy.read(); // note the workers' PIDs, so close() waits for them too
                    return proxy;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException(setup.kind() + " did not listen on " + setup.host() + ":" + setup.listenPort()
                            + " within " + timeout.toMillis() + "ms; " + proxy.logTail());
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        } catch (IOException | RuntimeException e) {
            proxy.kill();
            throw e;
        } catch (InterruptedException e) {
            proxy.kill();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + setup.kind() + " to listen", e);
        }
    }

    public ProxyKind kind() {
        return kind;
    }

    /** The PID of the process the runner started: the master, of nginx or of HAProxy. */
    public long pid() {
        return process.pid();
    }

    /** The proxy's own version, e.g. {@code nginx/1.22.1} or {@code HAProxy 2.6.12-1+deb12u4}. */
    public String version() {
        return version;
    }

    /** The log file with the proxy's output. */
    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every PID of the tree seen so far (the started process and every descendant a read found). */
    public Set<Long> seenPids() {
        return Set.copyOf(seenPids);
    }

    /** CPU time, resident memory and process count, summed over the started process and its descendants. */
    public Reading read() {
        Set<Long> pids = treePids();
        seenPids.addAll(pids);
        return ProcFs.read(process.pid(), pids);
    }

    /**
     * The signal that makes the proxy reload its configuration as a deploy does: nginx's master re-reads it on
     * {@code SIGHUP}, starts new workers and tells the old ones to finish what they serve; HAProxy's master
     * (run with {@code -W}) re-executes itself on {@code SIGUSR2}, starts a new worker and soft-stops the old one.
     */
    public String reloadSignal() {
        return kind == ProxyKind.NGINX ? "HUP" : "USR2";
    }

    /**
     * Reloads the proxy ({@link #reloadSignal()} to its master) and returns when the signal was sent, on the
     * {@code System.nanoTime()} clock.
     *
     * @throws IOException if the signal could not be sent
     */
    public long reload() throws IOException, InterruptedException {
        read(); // note the old workers, so close() waits for them too
        Process kill = new ProcessBuilder("kill", "-s", reloadSignal(), String.valueOf(process.pid()))
                .redirectErrorStream(true).start();
        long at = System.nanoTime();
        String said = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -s " + reloadSignal() + " " + process.pid() + " failed: " + said);
        }
        return at;
    }

    /** Kills every process of the tree at once with SIGKILL. Never throws; the Ctrl-C path. */
    public void kill() {
        try {
            List<ProcessHandle> tree = tree();
            for (ProcessHandle handle : tree) {
                seenPids.add(handle.pid());
                handle.destroyForcibly();
            }
            process.destroyForcibly();
        } catch (RuntimeException e) {
            // a kill is best effort: the processes may be gone already
        } finally {
            RUNNING.remove(this);
        }
    }

    /**
     * Stops the proxy with SIGTERM, waits up to {@link #STOP_GRACE}, kills what is left, and returns once
     * every process of the tree is gone (or, at worst after another {@link #STOP_GRACE}, only zombies are
     * left, waiting for init to reap them: they hold no memory and spend no CPU).
     *
     * <p>nginx's master is told (it stops its workers, reaps them, then exits). HAProxy's workers are told:
     * its master, told itself, may exit before reaping its worker, which is left a zombie for init; told
     * by a worker's exit, it reaps it and exits (its default {@code exit-on-failure}).
     */
    @Override
    public void close() {
        try {
            read(); // note any worker started since the last read
            List<ProcessHandle> workers = process.toHandle().descendants().toList();
            if (kind == ProxyKind.HAPROXY && !workers.isEmpty()) {
                workers.forEach(ProcessHandle::destroy);
            } else {
                process.destroy();
            }
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
            long deadline = System.nanoTime() + STOP_GRACE.toNanos();
            while (seenPids.stream().anyMatch(ProcFs::exists) && System.nanoTime() - deadline < 0) {
                for (long pid : seenPids) {
                    if (ProcFs.running(pid)) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // a worker left behind
                    }
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(this);
        }
    }

    /** The started process and all its descendants, live now. */
    private List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.toHandle().descendants().forEach(tree::add);
        return tree;
    }

    private Set<Long> treePids() {
        Set<Long> pids = new LinkedHashSet<>();
        if (process.isAlive()) {
            pids.add(process.pid());
        }
        process.toHandle().descendants().forEach(handle -> pids.add(handle.pid()));
        return pids;
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The proxy's version line, asked once per executable ({@code nginx -v}, {@code haproxy -v}). */
    static String version(ProxyKind kind, Path executable) throws IOException {
        String known = VERSIONS.get(executable);
        if (known != null) {
            return known;
        }
        Process process = new ProcessBuilder(executable.toString(), "-v").redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!process.waitFor(VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(executable + " -v did not finish in " + VERSION_TIMEOUT.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + executable + " for its version", e);
        }
        String version = parseVersion(kind, output);
        VERSIONS.put(executable, version);
        return version;
    }

    /** {@code nginx version: nginx/1.22.1} → {@code nginx/1.22.1}; {@code HAProxy version 2.6.12-1+deb12u4 2026/10/17 - …} → {@code HAProxy 2.6.12-1+deb12u4}. */
    static String parseVersion(ProxyKind kind, String output) {
        String first = output.lines().findFirst().orElse("").trim();
        if (kind == ProxyKind.NGINX && first.startsWith("nginx version: ")) {
            return first.substring("nginx version: ".length()).trim();
        }
        if (kind == ProxyKind.HAPROXY && first.startsWith("HAProxy version ")) {
            String[] words = first.split("\\s+");
            return "HAProxy " + words[2];
        }
        return first.isEmpty() ? kind + " (version unknown)" : first;
    }

    /** The last lines of proxy.log, for an error message. */
    private String logTail() {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
            byte[] tail = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(tail);
            String text = new String(tail, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? log + " is empty" : "the end of " + log + ":\n" + text;
        } catch (IOException e) {
            return "cannot read " + log + ": " + e.getMessage();
        }
    }

    @Override
    public String toString() {
        return kind + " pid " + pid() + " (" + version + "), pids seen " + seenPids.stream().sorted().map(String::valueOf)
                .collect(Collectors.joining(","));
    }
}
