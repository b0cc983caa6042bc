package dev.pushbench.loadgen.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 response as read byte by byte from a {@link RawConnection}: the status and the header
 * fields as sent (names compared case-insensitively), then the body.
 */
record RawResponse(String label, String statusLine, int status, List<String[]> fields, String body) {

    static RawResponse parseHead(String label, String head) throws CheckFailure {
        String[] lines = head.split("\r\n");
        String statusLine = lines[0];
        if (!statusLine.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
            throw new CheckFailure(label + ": expected an HTTP/1.1 status line, got " + HttpAnswer.snippet(statusLine));
        }
        List<String[]> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new CheckFailure(label + ": a malformed header line " + HttpAnswer.snippet(lines[i]));
            }
            fields.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
        }
        return new RawResponse(label, statusLine, Integer.parseInt(statusLine.substring(9, 12)), List.copyOf(fields), "");
    }

    RawResponse withBody(String text) {
        return new RawResponse(label, statusLine, status, fields, text);
    }

    /** The first value of the field, or null. */
    String header(String name) {
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                return field[1];
            }
        }
        return null;
    }

    /** The Content-Length, or 0 when there is none. */
    int contentLength() throws CheckFailure {
        String value = header("Content-Length");
        if (value == null) {
            if (header("Transfer-Encoding") != null) {
                throw new CheckFailure(label + ": " + statusLine + " came chunked; this check reads only Content-Length bodies");
            }
            return 0;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new CheckFailure(label + ": a bad Content-Length '" + value + "'");
        }
    }

    boolean headerHasToken(String name, String token) {
        return HttpAnswer.hasToken(header(name), token);
    }

    String headerLower(String name) {
        String value = header(name);
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(statusLine);
        for (String[] field : fields) {
            b.append(" | ").append(field[0]).append(": ").append(field[1]);
        }
        return b.append(body.isEmpty() ? "" : " | " + HttpAnswer.snippet(body)).toString();
    }
}
