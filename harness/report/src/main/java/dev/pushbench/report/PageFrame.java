package dev.pushbench.report;

import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * The frame every page shares ({@code page.jte}): the document head with the inline CSS and a
 * Content-Security-Policy that forbids every fetch and every script but the page's own inline ones, named
 * by their SHA-256 (so the page works from {@code file://}, offline, and even an escaping bug could not run
 * injected code); then the page's content, its chart data and its scripts.
 *
 * <pre>
 *   PageFrame frame = new PageFrame(title, List.of(Assets.uplotJs()), Assets.uplotCss(), chartJson);
 *   PageFrame.write(target, PageFrame.render(html -> JtereportGenerated.render(html, null, page)));
 * </pre>
 *
 * <p>Pages are rendered by jte templates ({@code src/main/jte}), which the build turns into Java classes of
 * this package ({@code report.jte} → {@code JtereportGenerated}) and compiles with it; callers call those
 * classes' {@code render} directly, so a template's parameters are checked by the compiler. HTML is escaped
 * by construction: {@code ${…}} escapes for its context, only {@code $unsafe{…}} does
 * not, and the templates use it only for the inlined scripts and styles and the chart data, which
 * {@link Html#scriptJson} has made safe for a {@code <script>} element.
 *
 * @param scripts  inline scripts, written at the end of the body in this order and allowed by the CSP
 * @param extraCss appended to the page's own CSS (uPlot's), or empty
 * @param dataJson the chart data block ({@code <script type="application/json" id="chart-data">}), or null
 */
record PageFrame(String title, List<String> scripts, String extraCss, Html.ScriptJson dataJson) {

    /** A page that runs no script. */
    static PageFrame plain(String title) {
        return new PageFrame(title, List.of(), "", null);
    }

    /** The CSP source of each script, {@code sha256-<base64>}, quoted by the template. */
    List<String> scriptHashes() {
        return scripts.stream().map(Assets::sha256).toList();
    }

    /**
     * Renders a page: {@code template} calls a generated template's {@code render} with the HTML output it
     * is given, which escapes every value for its context (OWASP rules, as jte's own engine would use).
     */
    static String render(Consumer<HtmlTemplateOutput> template) {
        StringOutput out = new StringOutput(262_144);
        template.accept(new OwaspHtmlTemplateOutput(out));
        return out.toString();
    }

    /** Writes {@code html} to {@code target} through a sibling temporary file and a rename, so a reader never sees half a page. */
    static void write(Path target, CharSequence html) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temporary, html, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
