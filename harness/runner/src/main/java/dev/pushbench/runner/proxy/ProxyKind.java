package dev.pushbench.runner.proxy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What stands between the load generator and the server in a cell: nothing, or a real nginx or
 * HAProxy process started by the runner on 127.0.0.1 ({@link ProxyProcess}) with a configuration
 * generated for the cell ({@link ProxyConfigs}).
 *
 * <pre>
 *   ProxyKind kind = ProxyKind.fromId("nginx");
 *   Path nginx = kind.executable().orElseThrow(() -&gt; new IllegalStateException("install " + kind.debianPackage()));
 * </pre>
 */
public enum ProxyKind {
    NONE("none", null, null),
    NGINX("nginx", "nginx-light", "nginx"),
    HAPROXY("haproxy", "haproxy", "haproxy");

    /** Where Debian installs both proxies; often not on a non-root user's PATH. */
    private static final Path SYSTEM_BINARIES = Path.of("/usr/sbin");

    private final String id;
    private final String debianPackage;
    private final String command;

    ProxyKind(String id, String debianPackage, String command) {
        this.id = id;
        this.debianPackage = debianPackage;
        this.command = command;
    }

    /** The name used in scenarios, cell names and files. */
    public String id() {
        return id;
    }

    /** The Debian package that provides the proxy ({@code apt-get install …}), or null for {@link #NONE}. */
    public String debianPackage() {
        return debianPackage;
    }

    /** The proxy's program, found on {@code PATH} or in {@code /usr/sbin}; empty when not installed or for {@link #NONE}. */
    public Optional<Path> executable() {
        if (command == null) {
            return Optional.empty();
        }
        List<Path> places = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    places.add(Path.of(dir));
                }
            }
        }
        places.add(SYSTEM_BINARIES);
        return places.stream().map(dir -> dir.resolve(command))
                .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file))
                .findFirst();
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static ProxyKind fromId(String id) {
        for (ProxyKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown proxy '" + id + "', allowed: " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(ProxyKind::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
