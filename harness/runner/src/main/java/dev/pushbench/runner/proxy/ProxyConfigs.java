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
            text = nginx(setup, pushTimeout, idleTimeoutOverride);
            file = setup.dir().resolve(NGINX_FILE);
            upstreamProtocol = setup.profile() == ProxyProfile.STOCK ? "http1.0" : "http1.1";
            idleTimeout = idleTimeoutOverride != null ? idleTimeoutOverride
                    : setup.profile() == ProxyProfile.STOCK ? NGINX_DEFAULT_READ_TIMEOUT : pushTimeout;
        } else {
            text = haproxy(setup, pushTimeout, idleTimeoutOverride);
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

    private static String nginx(ProxySetup setup, Duration pushTimeout, Duration override) {
        boolean push = setup.profile() == ProxyProfile.PUSH;
        Protocol protocol = setup.clientProtocol();
        int workerConnections = push ? Math.max(NGINX_DEBIAN_WORKER_CONNECTIONS, 2 * setup.connections() + CONNECTION_HEADROOM)
                : NGINX_DEBIAN_WORKER_CONNECTIONS;
        ConfigText c = new ConfigText("    ");
        c.comment("nginx, profile " + setup.profile() + ", for " + setup.transport() + " over " + protocol
                + ": generated by pushbench for one cell (docs/proxies.md)");
        c.line("daemon off;", "the runner owns the process: foreground, stopped with the cell");
        if (isRoot()) {
            c.line("user root;", "workers write temp files in the cell's directory, as the runner does (Debian: www-data)");
        }
        c.line("worker_processes auto;", "Debian's nginx.conf: one worker per CPU");
        c.line("pid nginx.pid;", "in the cell's directory (Debian: /run/nginx.pid)");
        c.line("error_log stderr;", "to proxy.log in the cell's directory, level error (Debian: /var/log/nginx/error.log)");
        if (push) {
            c.line("worker_rlimit_nofile " + (workerConnections + 1024) + ";",
                    "open files for worker_connections plus temp and log files");
        }
        c.open("events {", "connection processing");
        if (push) {
            c.line("worker_connections " + workerConnections + ";",
                    "2 per client (client and upstream side) for all " + setup.connections()
                            + ", in every worker: accepts are not spread evenly");
        } else {
            c.line("worker_connections " + workerConnections + ";", "Debian's nginx.conf");
        }
        c.close("}");
        c.open("http {", "HTTP proxying");
        c.line("sendfile on;", "Debian's nginx.conf (static files only)");
        c.line("tcp_nopush on;", "Debian's nginx.conf (with sendfile only)");
        c.line("types_hash_max_size 2048;", "Debian's nginx.conf");
        c.line("ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;", "Debian's nginx.conf");
        c.line("ssl_prefer_server_ciphers on;", "Debian's nginx.conf");
        c.line("gzip on;", "Debian's nginx.conf; default gzip_types text/html matches no push response");
        c.line("access_log off;", "no per-request log: its cost would count as the proxy's");
        c.line("client_body_temp_path temp/client_body;", "temp paths in the cell's directory (Debian: /var/lib/nginx)");
        c.line("proxy_temp_path temp/proxy;", "where a buffered response spills when the client is slow");
        c.line("fastcgi_temp_path temp/fastcgi;", "unused, but nginx creates it at start");
        c.line("uwsgi_temp_path temp/uwsgi;", "unused, but nginx creates it at start");
        c.line("scgi_temp_path temp/scgi;", "unused, but nginx creates it at start");
        if (push) {
            c.line("keepalive_requests 1000000;", "default 1000 closes a polling client's connection every 1000 requests");
            c.open("map $http_upgrade $connection_upgrade {", "Connection header for the upstream request");
            c.line("default upgrade;", "the client asks to upgrade (WebSocket): pass it on");
            c.line("'' '';", "a plain request: no Connection: close, so the upstream connection is kept");
            c.close("}");
            c.open("upstream pushbench_server {", "the server, with idle connections kept for reuse");
            c.line("server " + setup.host() + ":" + setup.upstreamPort() + ";", "the server's cleartext HTTP/1.1 port");
            c.line("keepalive " + setup.connections() + ";", "idle connections kept per worker: a poll finds one open");
            c.line("keepalive_requests 1000000;", "default 1000 would reconnect every 1000 polls");
            c.close("}");
        }
        c.open("server {", "the cell's listener");
        c.line(listen(setup, protocol), listenReason(protocol));
        if (protocol.isTls()) {
            c.line("ssl_certificate " + CERTIFICATE_FILE + ";", "self-signed, made at run time; the load generator trusts it");
            c.line("ssl_certificate_key " + KEY_FILE + ";", "its key, readable by the owner only");
        }
        c.open("location / {", "every path: /sse/, /ws/, /long-poll/, /poll/ and the conformance paths");
        if (push) {
            c.line("proxy_pass http://pushbench_server;", "to the upstream block, with its keepalive");
            c.line("proxy_http_version 1.1;", "default 1.0: no keepalive, no chunked, no Upgrade");
            c.line("proxy_set_header Upgrade $http_upgrade;", "hop-by-hop: forwarded only when set here");
            c.line("proxy_set_header Connection $connection_upgrade;", "upgrade for WebSocket, empty otherwise");
            c.line("proxy_buffering off;", "pass each event on at once (default on holds it in buffers)");
            c.line("proxy_cache off;", "never cache a stream or a poll");
            Duration timeout = override != null ? override : pushTimeout;
            String why = override != null ? "idle timeout set for a test" : "above " + PUSH_TIMEOUT_MARGIN
                    + "x the heartbeat and the long-poll hold, at least " + PUSH_TIMEOUT_FLOOR.toHours() + "h";
            c.line("proxy_read_timeout " + duration(timeout) + ";", why);
            c.line("proxy_send_timeout " + duration(timeout) + ";", why);
        } else {
            c.line("proxy_pass http://" + setup.host() + ":" + setup.upstreamPort() + ";",
                    "plain: HTTP/1.0, buffered, no Upgrade, read timeout 60s");
            if (override != null) {
                c.line("proxy_read_timeout " + duration(override) + ";", "idle timeout set for a test (default 60s)");
                c.line("proxy_send_timeout " + duration(override) + ";", "idle timeout set for a test (default 60s)");
            }
        }
        c.close("}");
        c.close("}");
        c.close("}");
        return c.toString();
    }

    private static String listen(ProxySetup setup, Protocol protocol) {
        String address = setup.host() + ":" + setup.listenPort();
        return switch (protocol) {
            case HTTP_1_1 -> "listen " + address + ";";
            case H2C -> "listen " + address + " http2;";
            case HTTPS_1_1 -> "listen " + address + " ssl;";
            case H2 -> "listen " + address + " ssl http2;";
        };
    }

    private static String listenReason(Protocol protocol) {
        return switch (protocol) {
            case HTTP_1_1 -> "cleartext HTTP/1.1";
            case H2C -> "cleartext HTTP/2, prior knowledge only";
            case HTTPS_1_1 -> "TLS; ALPN offers http/1.1 only";
            case H2 -> "TLS; ALPN offers h2 and http/1.1, the client only h2";
        };
    }

    private static String haproxy(ProxySetup setup, Duration pushTimeout, Duration override) {
        boolean push = setup.profile() == ProxyProfile.PUSH;
        Protocol protocol = setup.clientProtocol();
        int maxConnections = setup.connections() + CONNECTION_HEADROOM;
        ConfigText c = new ConfigText("    ");
        c.comment("HAProxy, profile " + setup.profile() + ", for " + setup.transport() + " over " + protocol
                + ": generated by pushbench for one cell (docs/proxies.md)");
        c.open("global", "process-wide settings");
        c.line("pidfile haproxy.pid", "in the cell's directory");
        if (push) {
            c.line("maxconn " + maxConnections, "all " + setup.connections() + " clients (the frontend's default); sizes the open-files limit");
        }
        if (protocol.isTls()) {
            c.line("ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                    + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                    + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", "Debian's haproxy.cfg (TLS 1.2)");
            c.line("ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
                    "Debian's haproxy.cfg (TLS 1.3)");
            c.line("ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets", "Debian's haproxy.cfg");
        }
        c.close(null);
        c.blank();
        c.open("defaults", "for the frontend and backend below");
        c.line("mode http", "Debian's haproxy.cfg: parse HTTP");
        c.line(push ? "timeout connect 5s" : "timeout connect 5000", "Debian's haproxy.cfg: 5s to reach the server");
        if (override != null) {
            c.line("timeout client " + duration(override), "idle timeout set for a test");
            c.line("timeout server " + duration(override), "idle timeout set for a test");
            if (push) {
                c.line("timeout tunnel " + duration(override), "idle timeout set for a test");
            }
        } else if (push) {
            String why = "above " + PUSH_TIMEOUT_MARGIN + "x the heartbeat and the long-poll hold, at least "
                    + PUSH_TIMEOUT_FLOOR.toHours() + "h";
            c.line("timeout client " + duration(pushTimeout), "a quiet stream's client side: " + why);
            c.line("timeout server " + duration(pushTimeout), "a quiet stream's server side: " + why);
            c.line("timeout tunnel " + duration(pushTimeout), "an upgraded WebSocket: " + why);
            c.line("timeout client-fin 30s", "a vanished client does not hold a half-closed tunnel for that long");
        } else {
            c.line("timeout client 50000", "Debian's haproxy.cfg: 50s quiet client side");
            c.line("timeout server 50000", "Debian's haproxy.cfg: 50s quiet server side; no tunnel timeout");
        }
        if (push) {
            c.line("option http-keep-alive", "the default, stated: connections to the server are kept and reused");
            c.line("option http-no-delay", "a small event goes out at once: by default HAProxy holds HTTP/1.1 data back"
                    + " (MSG_MORE) for a fuller segment, which added ~100 ms to SSE over http1.1 here");
        }
        if (!protocol.isHttp2()) {
            c.line("option disable-h2-upgrade", "HTTP/1.1 only, as the cell says: no switch to HTTP/2 on its preface");
        }
        c.close(null);
        c.blank();
        c.open("frontend pushbench", "the cell's listener");
        c.line(bind(setup, protocol), bindReason(protocol));
        c.line("default_backend server", "every path: /sse/, /ws/, /long-poll/, /poll/ and the conformance paths");
        c.close(null);
        c.blank();
        c.open("backend server", "the server");
        c.line("server server " + setup.host() + ":" + setup.upstreamPort(), "cleartext HTTP/1.1");
        c.close(null);
        return c.toString();
    }

    private static String bind(ProxySetup setup, Protocol protocol) {
        String address = "bind " + setup.host() + ":" + setup.listenPort();
        return switch (protocol) {
            case HTTP_1_1 -> address;
            case H2C -> address + " proto h2";
            case HTTPS_1_1 -> address + " ssl crt " + HAPROXY_PEM_FILE + " alpn http/1.1";
            case H2 -> address + " ssl crt " + HAPROXY_PEM_FILE + " alpn h2 proto h2";
        };
    }

    private static String bindReason(Protocol protocol) {
        return switch (protocol) {
            case HTTP_1_1 -> "cleartext HTTP/1.1";
            case H2C -> "cleartext HTTP/2, prior knowledge only";
            case HTTPS_1_1 -> "TLS, self-signed at run time; ALPN http/1.1 only";
            case H2 -> "TLS, self-signed; ALPN h2 only; proto h2: HTTP/2 even without ALPN";
        };
    }

    /** A duration as both proxies write it: whole seconds as {@code 60s}, else milliseconds. */
    static String duration(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    private static boolean isRoot() {
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
