package dev.pushbench.runner.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A proxy configuration generated for one cell and written into the cell's directory by
 * {@link ProxyConfigs#write(ProxySetup)}. The report shows {@link #text()}; every line of it carries
 * the reason it is there.
 *
 * @param file             {@code nginx.conf} or {@code haproxy.cfg} in the cell's directory
 * @param text             the file's content
 * @param upstreamProtocol what the proxy speaks to the server: {@code http1.0} (nginx stock) or {@code http1.1}
 * @param idleTimeout      the shortest idle timeout a quiet stream meets on this path: a stream quieter than
 *                         this is cut by the proxy
 * @param extraFiles       the certificate and key files written beside the configuration (empty for cleartext)
 * @param certificatePem   the proxy's self-signed certificate, for the load generator to trust; null for cleartext
 */
public record ProxyConfig(Path file, String text, String upstreamProtocol, Duration idleTimeout,
                          List<Path> extraFiles, String certificatePem) {
    public ProxyConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(upstreamProtocol, "upstreamProtocol");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        extraFiles = List.copyOf(extraFiles);
    }
}
