package dev.pushbench.report;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The frame every page shares ({@code page.jte}): the document head with the inline CSS and a
 * Content-Security-Policy that forbids every fetch and every script but the page's own inline ones, named
 * by their SHA-256 (so the page works from {@code file://}, offline, and even an escaping bug could not run
 * injected code); then the page's content, its chart data and its scripts.
 *
 * <pre>
 *   PageFrame frame = new PageFrame(title, List.of(Assets.uplotJs()), Assets.uplotCss(), chartJson);
 *   PageFrame.write(target, PageFrame.render("report.jte", view));
 * </pre>
 *
 * <p>Pages are rendered by jte templates ({@code src/main/jte}) compiled into this package at build time,
 * with HTML escaping by construction: {@code ${…}} escapes for its context, only {@code $unsafe{…}} does
 * not, and the templates use it only for the inlined scripts and styles and the chart data, which
 * {@link Html#scriptJson} has made safe for a {@code <script>} element.
 *
 * @param scripts  inline scripts, written at the end of the body in this order and allowed by the CSP
 * @param extraCss appended to the page's own CSS (uPlot's), or empty
 * @param dataJson the chart data block ({@code <script type="application/json" id="chart-data">}), or null
 */
record PageFrame(String title, List<String> scripts, String extraCss, String dataJson) {

    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Html, null,
            PageFrame.class.getPackageName());

    /** A page that runs no script. */
    static PageFrame plain(String title) {
        return new PageFrame(title, List.of(), "", null);
    }

    /** The CSP source of each script, {@code sha256-<base64>}, quoted by the template. */
    List<String> scriptHashes() {
        return scripts.stream().map(Assets::sha256).toList();
    }

    /** Renders the precompiled template {@code name} (e.g. {@code report.jte}) with its one parameter. */
    static String render(String name, Object model) {
        StringOutput out = new StringOutput(262_144);
        TEMPLATES.render(name, model, out);
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
