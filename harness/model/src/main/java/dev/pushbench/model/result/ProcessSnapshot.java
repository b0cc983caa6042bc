package dev.pushbench.model.result;

/**
 * One process's own reading of itself at one moment (server or load generator): CPU time, heap
 * (after a full GC when {@code afterGc}), direct buffers, resident set, threads and open files.
 * {@code rssBytes} is -1 where {@code /proc} is not there; {@code openFiles} is absent where the JVM
 * cannot count them.
 */
public record ProcessSnapshot(
        Long nanoTime,
        Boolean afterGc,
        Long cpuNanos,
        Long heapUsedBytes,
        Long directBytes,
        Long rssBytes,
        Integer threads,
        Long openFiles) {
}
