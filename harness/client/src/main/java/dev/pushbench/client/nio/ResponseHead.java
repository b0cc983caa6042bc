package dev.pushbench.client.nio;

/**
 * The head of an HTTP response, whichever version carried it: an HTTP/1.1 status line and header
 * block ({@link HttpResponseHead}), or an HTTP/2 HEADERS frame decoded by HPACK.
 */
public interface ResponseHead {
    /** The status code, e.g. 200 or 101. */
    int status();

    /** The first value of header {@code name} (case-insensitive), or null. */
    String header(String name);

    /** Whether the first value of header {@code name} starts with {@code prefix}, case-insensitively. */
    default boolean headerStartsWith(String name, String prefix) {
        String value = header(name);
        return value != null && value.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
