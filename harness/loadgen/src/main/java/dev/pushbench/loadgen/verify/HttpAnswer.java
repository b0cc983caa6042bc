package dev.pushbench.loadgen.verify;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;

/**
 * A complete HTTP answer as a check sees it.
 *
 * @param request    method and path, for messages
 * @param startNanos when the request was sent, {@link System#nanoTime()}
 * @param endNanos   when the whole answer had arrived
 */
record HttpAnswer(String request, int status, HttpVersion version, HttpFields headers, String body, long startNanos, long endNanos) {

    long elapsedMillis() {
        return (endNanos - startNanos) / 1_000_000;
    }

    HttpAnswer expectStatus(int expected) throws CheckFailure {
        if (status != expected) {
            throw new CheckFailure(request + ": expected status " + expected + ", got " + status + " " + snippet(body));
        }
        return this;
    }

    HttpAnswer expectVersion(HttpVersion expected) throws CheckFailure {
        if (version != expected) {
            throw new CheckFailure(request + ": answered over " + version + ", expected " + expected);
        }
        return this;
    }

    /** The header's value must start with {@code prefix} (case-insensitive), e.g. a media type before its parameters. */
    HttpAnswer expectHeaderStartsWith(String name, String prefix) throws CheckFailure {
        String value = headers.get(name);
        if (value == null || !value.toLowerCase(java.util.Locale.ROOT).startsWith(prefix.toLowerCase(java.util.Locale.ROOT))) {
            throw new CheckFailure(request + ": expected header " + name + ": " + prefix + "…, got " + (value == null ? "none" : value));
        }
        return this;
    }

    /** The comma-separated header must hold {@code token} (case-insensitive). */
    HttpAnswer expectHeaderToken(String name, String token) throws CheckFailure {
        String value = headers.get(name);
        if (!hasToken(value, token)) {
            throw new CheckFailure(request + ": expected header " + name + " to hold " + token + ", got " + (value == null ? "none" : value));
        }
        return this;
    }

    static boolean hasToken(String value, String token) {
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    static String snippet(String text) {
        if (text == null || text.isEmpty()) {
            return "(empty body)";
        }
        String oneLine = text.strip().replace('\n', ' ');
        return "'" + (oneLine.length() > 160 ? oneLine.substring(0, 160) + "…" : oneLine) + "'";
    }
}
