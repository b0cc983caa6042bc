package dev.pushbench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The scripts and styles a report inlines, read from the classpath when a page is rendered: uPlot from
 * its webjar ({@code org.webjars.npm:uplot}) and the report's own script. Inlining keeps the page
 * self-contained, so it works from {@code file://} with no request leaving it; each script's SHA-256 goes
 * into the page's Content-Security-Policy, so only these exact scripts may run.
 *
 * <pre>
 *   String js = Assets.uplotJs();
 *   String hash = Assets.cspHash(js);     // 'sha256-…'
 * </pre>
 */
final class Assets {
    /** The webjar's version; the parent pom pins the same one. */
    static final String UPLOT_VERSION = "1.6.30";

    private static final String UPLOT_DIR = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";
    private static final String UPLOT_JS = read(UPLOT_DIR + "uPlot.iife.min.js");
    private static final String UPLOT_CSS = read(UPLOT_DIR + "uPlot.min.css");
    private static final String REPORT_JS = read("/dev/pushbench/report/report.js");

    private Assets() {
    }

    static String uplotJs() {
        return UPLOT_JS;
    }

    static String uplotCss() {
        return UPLOT_CSS;
    }

    static String reportJs() {
        return REPORT_JS;
    }

    /** The CSP source expression that allows exactly {@code script}: {@code 'sha256-<base64>'}. */
    static String cspHash(String script) {
        return "'" + sha256(script) + "'";
    }

    /** {@code sha256-<base64>} of {@code script}, the CSP's hash source without its quotes. */
    static String sha256(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing on the classpath: " + resource
                        + " (is org.webjars.npm:uplot:" + UPLOT_VERSION + " a dependency?)");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // Inlined text must not close its own element early.
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.contains("</script") || lower.contains("</style") || lower.contains("<!--")) {
                throw new IllegalStateException(resource + " holds </script, </style or <!--; it cannot be inlined");
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
