package dev.pushbench.runner.proxy;

import dev.pushbench.core.ProcessStats;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.TlsMaterial;
import dev.pushbench.core.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Generates the configuration of a cell's proxy, writes it (and, for the TLS protocols, a certificate
 * and key made at run time) into the cell's directory, and asks the proxy itself whether it accepts it.
 * Every generated line carries the reason it is there; {@code docs/proxies.md} shows the files.
 *
 * <pre>
 *   Optional&lt;String&gt; why = ProxyConfigs.unsupported(ProxyKind.NGINX, Transport.WEBSOCKET, Protocol.H2);  // a reason: skip the cell
 *   ProxyConfig config = ProxyConfigs.write(setup);            // dir/nginx.conf, dir/cert.pem, dir/key.pem
 *   String output = ProxyConfigs.check(setup.kind(), config.file());
 * </pre>
 *
 * <p>The upstream side is always cleartext to the server on 127.0.0.1: HTTP/1.0 for nginx stock (what a
 * plain {@code proxy_pass} sends), HTTP/1.1 otherwise. The client side speaks the cell's protocol; TLS
 * ends at the proxy.
 */
public final class ProxyConfigs {
    /** The push profile's timeouts are at least this, whatever the heartbeat. */
    static final Duration PUSH_TIMEOUT_FLOOR = Duration.ofHours(1);
    /** The push profile's timeouts are at least this many heartbeats or long-poll holds. */
    static final int PUSH_TIMEOUT_MARGIN = 3;
    /** nginx's documented default for {@code proxy_read_timeout} and {@code proxy_send_timeout}. */
    static final Duration NGINX_DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    /** Debian's haproxy.cfg: {@code timeout client 50000} and {@code timeout server 50000} (ms). */
    static final Duration HAPROXY_DEBIAN_TIMEOUT = Duration.ofMillis(50_000);
    /** Debian's nginx.conf: {@code worker_connections 768}. */
    static final int NGINX_DEBIAN_WORKER_CONNECTIONS = 768;
    /** Connections a proxy needs beyond the cell's: listeners, idle upstream connections, the runner's probes. */
    static final int CONNECTION_HEADROOM = 256;
    /** Open files a proxy process holds besides connections: listeners, logs, epoll, pipes, HAProxy's 28 at most. */
    static final int PROCESS_FILES = 64;

    static final String NGINX_FILE = "nginx.conf";
    /** Where nginx's temp paths are, in the cell's directory. */
    static final String NGINX_TEMP_DIR = "temp";
    static final String HAPROXY_FILE = "haproxy.cfg";
    static final String CERTIFICATE_FILE = "cert.pem";
    static final String KEY_FILE = "key.pem";
    /** HAProxy reads certificate and key from one file. */
    static final String HAPROXY_PEM_FILE = "proxy.pem";

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private ProxyConfigs() {
    }

    /**
     * Why {@code kind} cannot carry {@code transport} over {@code protocol}, or empty when it can. A cell
     * with a reason is reported {@code unsupported} with it, never run over something else.
     */
    public static Optional<String> unsupported(ProxyKind kind, Transport transport, Protocol protocol) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
        if (kind == ProxyKind.NGINX && transport == Transport.WEBSOCKET && protocol.isHttp2()) {
            return Optional.of("nginx 1.22 does not carry WebSocket over HTTP/2: it has no RFC 8441 extended CONNECT"
                    + " (it does not announce SETTINGS_ENABLE_CONNECT_PROTOCOL and its HTTP/2 module refuses CONNECT),"
                    + " so a WebSocket through it needs HTTP/1.1 on the client side");
        }
        return Optional.empty();
    }

    /**
     * Why the proxy cannot carry the cell of {@code setup} here, or empty when it can: the reasons of
     * {@link #unsupported(ProxyKind, Transport, Protocol)}, and for the push profile, which is sized to
     * carry every connection, whether one proxy process can hold two open files per connection (the
     * client side and the server side) within the open-file limit it inherits from this process. nginx
     * spreads connections over its workers, each with that limit, but the kernel does not spread accepts
     * evenly, so one worker may get them all; HAProxy carries them all in its one worker. Stock is not
     * judged: its own limits (nginx's 768 worker connections, HAProxy's maxconn derived from the limit)
     * are what it measures.
     */
    public static Optional<String> unsupported(ProxySetup setup) {
        return unsupported(setup, ProcessStats.maxOpenFiles());
    }

    /** {@link #unsupported(ProxySetup)} before a cell has its ports: what the check reads of a setup. */
    public static Optional<String> unsupported(ProxyKind kind, ProxyProfile profile, Transport transport, Protocol protocol,
                                               int connections) {
        return unsupported(kind, profile, transport, protocol, connections, ProcessStats.maxOpenFiles());
    }

    static Optional<String> unsupported(ProxySetup setup, long openFilesLimit) {
        return unsupported(setup.kind(), setup.profile(), setup.transport(), setup.clientProtocol(), setup.connections(),
                openFilesLimit);
    }

    private static Optional<String> unsupported(ProxyKind kind, ProxyProfile profile, Transport transport, Protocol protocol,
                                                int connections, long openFilesLimit) {
        Optional<String> reason = unsupported(kind, transport, protocol);
        if (reason.isPresent() || profile != ProxyProfile.PUSH || openFilesLimit <= 0) {
            return reason;
        }
        // what the generated configuration provides for: nginx's worker_connections is 2 × connections + 256,
        // HAProxy's maxconn connections + 256, for which it wants 2 × maxconn plus a few dozen files (28 in 2.6)
        long needed = 2L * (connections + CONNECTION_HEADROOM) + PROCESS_FILES;
        if (needed > openFilesLimit) {
            return Optional.of(kind.id() + " in one process needs 2 open files per connection (client and server side):"
                    + " " + needed + " for " + connections + " connections, over the open-file limit of "
                    + openFilesLimit + " (ulimit -n) it would inherit; raise the limit or run fewer connections");
        }
        return Optional.empty();
    }

    /** Writes the configuration for {@code setup} into its directory, with the profile's timeouts. */
    public static ProxyConfig write(ProxySetup setup) throws IOException {
        return write(setup, null);
    }

    /**
     * As {@link #write(ProxySetup)}, but with every idle timeout of the proxy (nginx's read and send
     * timeouts, HAProxy's client, server and, for push, tunnel timeouts) set to {@code idleTimeoutOverride}:
     * for tests that provoke an idle cut in seconds. Null means the profile's own timeouts.
     */
    public static ProxyConfig write(ProxySetup setup, Duration idleTimeoutOverride) throws IOException {
        Objects.requireNonNull(setup, "setup");
        if (idleTimeoutOverride != null && (idleTimeoutOverride.isNegative() || idleTimeoutOverride.toMillis() < 1)) {
            throw new IllegalArgumentException("idleTimeoutOverride must be at least 1ms, got " + idleTimeoutOverride);
        }
        Optional<String> reason = unsupported(setup.kind(), setup.transport(), setup.clientProtocol());
        if (reason.isPresent()) {
            throw new IllegalArgumentException("cannot configure " + setup.pathId() + " for " + setup.transport()
                    + " over " + setup.clientProtocol() + ": " + reason.get());
        }
        Files.createDirectories(setup.dir());
        List<Path> extraFiles = new ArrayList<>();
        String certificatePem = null;
        if (setup.clientProtocol().isTls()) {
            TlsMaterial tls = TlsMaterial.selfSigned(setup.host());
            certificatePem = tls.certificatePem();
            if (setup.kind() == ProxyKind.NGINX) {
                extraFiles.add(writeFile(setup.dir().resolve(CERTIFICATE_FILE), certificatePem, false));
                extraFiles.add(writeFile(setup.dir().resolve(KEY_FILE), tls.privateKeyPem(), true));
            } else {
                extraFiles.add(writeFile(setup.dir().resolve(HAPROXY_PEM_FILE), certificatePem + tls.privateKeyPem(), true));
            }
        }
        Duration pushTimeout = pushTimeout(setup);
        String text;
        Path file;
        String upstreamProtocol;
        Duration idleTimeout;
        if (setup.kind() == ProxyKind.NGINX) {
            Files.createDirectories(setup.dir().resolve(NGINX_TEMP_DIR)); // nginx makes only the last part of a temp path
            text = NginxConfig.text(setup, pushTimeout, idleTimeoutOverride);
            file = setup.dir().resolve(NGINX_FILE);
            upstreamProtocol = setup.profile() == ProxyProfile.STOCK ? "http1.0" : "http1.1";
            idleTimeout = idleTimeoutOverride != null ? idleTimeoutOverride
                    : setup.profile() == ProxyProfile.STOCK ? NGINX_DEFAULT_READ_TIMEOUT : pushTimeout;
        } else {
            text = HaproxyConfig.text(setup, pushTimeout, idleTimeoutOverride);
            file = setup.dir().resolve(HAPROXY_FILE);
            upstreamProtocol = "http1.1";
            idleTimeout = idleTimeoutOverride != null ? idleTimeoutOverride
                    : setup.profile() == ProxyProfile.STOCK ? HAPROXY_DEBIAN_TIMEOUT : pushTimeout;
        }
        writeFile(file, text, false);
        return new ProxyConfig(file, text, upstreamProtocol, idleTimeout, extraFiles, certificatePem);
    }

    /**
     * Runs the proxy's own configuration check ({@code nginx -t}, {@code haproxy -c}) on {@code configFile},
     * in the file's directory, and returns its output.
     *
     * @throws IOException with the proxy's output when it refuses the file, or when it is not installed
     */
    public static String check(ProxyKind kind, Path configFile) throws IOException {
        Path executable = kind.executable().orElseThrow(() -> new IOException(
                kind + " is not installed (no " + kind + " on PATH or in /usr/sbin); install the Debian package " + kind.debianPackage()));
        Path dir = configFile.toAbsolutePath().getParent();
        List<String> command = kind == ProxyKind.NGINX
                ? List.of(executable.toString(), "-t", "-p", dir + "/", "-c", configFile.toAbsolutePath().toString())
                : List.of(executable.toString(), "-c", "-f", configFile.toAbsolutePath().toString());
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + CHECK_TIMEOUT.toSeconds() + "s: " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(kind + " refuses " + configFile + " (exit " + process.exitValue() + "):\n" + output);
        }
        return output;
    }

    /** The push profile's timeout: well above the heartbeat and the long-poll hold, at least an hour. */
    static Duration pushTimeout(ProxySetup setup) {
        Duration timeout = PUSH_TIMEOUT_FLOOR;
        for (Duration d : List.of(setup.heartbeat(), setup.longPollHold())) {
            Duration withMargin = d.multipliedBy(PUSH_TIMEOUT_MARGIN);
            if (withMargin.compareTo(timeout) > 0) {
                timeout = withMargin;
            }
        }
        return timeout;
    }

    static String duration(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path writeFile(Path file, String text, boolean ownerOnly) throws IOException {
        Files.deleteIfExists(file);
        if (ownerOnly) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }
}
