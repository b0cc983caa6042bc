package dev.pushbench.relay;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.pushbench.model.JsonFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * {@code relay.json}: where a relay listens, where it forwards each connection, the link it emulates and the
 * seed of its draws (jitter, stalls, which connections a fault hits).
 *
 * <pre>
 *   {"listenHost": "127.0.0.1", "listenPort": 0, "targetHost": "127.0.0.1", "targetPort": 8080,
 *    "shape": {"rttNanos": 100000000, "jitterNanos": 0, "downBitsPerSecond": 0, "upBitsPerSecond": 0,
 *              "stallEveryNanos": 0, "stallNanos": 0, "mtu": 1500},
 *    "seed": 42}
 *   RelayConfig config = RelayConfig.read(file);
 * </pre>
 *
 * @param listenPort 0: any free port, told in {@code relay-listening}
 */
public record RelayConfig(String listenHost, int listenPort, String targetHost, int targetPort, LinkShape shape,
                          long seed) {

    /** @throws IllegalArgumentException naming the field, the constraint and the bad value */
    public RelayConfig {
        if (listenHost == null || listenHost.isBlank()) {
            throw new IllegalArgumentException("listenHost is required, e.g. \"127.0.0.1\"");
        }
        if (targetHost == null || targetHost.isBlank()) {
            throw new IllegalArgumentException("targetHost is required, e.g. \"127.0.0.1\"");
        }
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listenPort must be between 0 and 65535, got " + listenPort);
        }
        if (targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("targetPort must be between 1 and 65535, got " + targetPort);
        }
        if (shape == null) {
            throw new IllegalArgumentException("shape is required (all zero for a link that adds nothing)");
        }
    }

    /**
     * Reads and checks a {@code relay.json}.
     *
     * @throws IOException naming the file, the field and what is wrong with it
     */
    public static RelayConfig read(Path file) throws IOException {
        try {
            return JsonFiles.read(file, RelayConfig.class);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (IOException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonMappingException && cause.getCause() instanceof IllegalArgumentException) {
                String path = ((JsonMappingException) cause).getPath().stream()
                        .map(JsonMappingException.Reference::getFieldName)
                        .filter(name -> name != null && !name.isEmpty())
                        .collect(Collectors.joining("."));
                throw new IOException(file + ": " + (path.isEmpty() ? "" : path + ": ") + cause.getCause().getMessage(), e);
            }
            throw e;
        }
    }
}
