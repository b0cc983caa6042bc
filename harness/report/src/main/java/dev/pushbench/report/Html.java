package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * Escaping for everything that reaches the page from a file. Every text from run.json, summary.json
 * or a directory name passes through {@link #text} (element content and attribute values alike) and
 * every path in a link through {@link #pathSegment}; nothing from a file is written raw.
 */
final class Html {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Html() {
    }

    /** Escapes {@code & < > " '}; safe in element content and in quoted attribute values. {@code null} → "". */
    static String text(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * Serializes {@code value} as JSON that is safe inside a {@code <script type="application/json">}
     * element: {@code <}, {@code >} and {@code &} become {@code \\u003c} … (they only ever occur inside
     * JSON strings, where the escape means the same), so no text from a file can close the element
     * ({@code </script>}) or open a comment; U+2028/9 are escaped for older JavaScript parsers.
     */
    static String scriptJson(Object value) {
        String json;
        try {
            json = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize the chart data: " + e.getOriginalMessage(), e);
        }
        StringBuilder escaped = new StringBuilder(json.length() + 64);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> escaped.append("\\u003c");
                case '>' -> escaped.append("\\u003e");
                case '&' -> escaped.append("\\u0026");
                case '\u2028' -> escaped.append("\\u2028");
                case '\u2029' -> escaped.append("\\u2029");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * Percent-encodes one path segment of a relative link (RFC 3986: all but unreserved characters), so
     * that a name can neither leave its directory ({@code /}) nor become a scheme ({@code javascript:}).
     */
    static String pathSegment(String segment) {
        StringBuilder encoded = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }

    /** A relative link made of encoded segments: {@code cells/jetty-sse-http1.1/summary.json}. */
    static String relativeLink(String... segments) {
        StringBuilder link = new StringBuilder();
        for (String segment : segments) {
            if (link.length() > 0) {
                link.append('/');
            }
            link.append(pathSegment(segment));
        }
        return link.toString();
    }
}
