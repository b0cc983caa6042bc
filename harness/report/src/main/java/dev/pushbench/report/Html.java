package dev.pushbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pushbench.model.JsonFiles;
import java.nio.charset.StandardCharsets;

/**
 * What the templates' own escaping cannot do: text is HTML-escaped by jte wherever a template writes it
 * ({@code ${…}}); here, every path in a link is percent-encoded ({@link #pathSegment}) so a name can neither
 * leave its directory nor become a scheme, and the chart data becomes JSON that is safe inside a
 * {@code <script>} element ({@link #scriptJson}), the one piece of data a template writes unescaped.
 */
final class Html {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Html() {
    }

    /**
     * Serializes {@code value} as JSON that is safe inside a {@code <script type="application/json">}
     * element: {@code <}, {@code >} and {@code &} become {@code \\u003c} … (they only ever occur inside
     * JSON strings, where the escape means the same), so no text from a file can close the element
     * ({@code </script>}) or open a comment; U+2028/9 are escaped for older JavaScript parsers.
     */
    static ScriptJson scriptJson(Object value) {
        String json;
        try {
            json = JsonFiles.mapper().writeValueAsString(value);
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
        return new ScriptJson(escaped.toString());
    }

    /**
     * JSON that {@link #scriptJson} made safe to write unescaped inside a {@code <script>} element; only it
     * can make one, so a template's {@code $unsafe} on this type cannot write anything else.
     */
    static final class ScriptJson {
        private final String text;

        private ScriptJson(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }
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
