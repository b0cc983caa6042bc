package dev.pushbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The frame every page shares: document head with inline CSS and a Content-Security-Policy that forbids
 * every fetch and every script but the page's own inline ones, named by their SHA-256 (so the page works
 * from {@code file://}, offline, and even an escaping bug could not run injected code), and writing a
 * page atomically so a reader never sees half of one.
 */
final class Page {
    private static final DateTimeFormatter SHOWN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private static final String CSS = """
            :root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --head: #f1f3f5; --zebra: #f8f9fa;
              --ok: #116329; --ok-bg: #dafbe1; --bad: #a40e26; --bad-bg: #ffebe9;
              --warn: #7d4e00; --warn-bg: #fff8c5; --na: #424a53; --na-bg: #eaeef2; }
            * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
              color: var(--fg); margin: 2rem; }
            main { max-width: 110rem; }
            h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
            h2 { font-size: 1.2rem; margin: 2.2rem 0 .6rem; }
            p, li { max-width: 52rem; }
            a { color: #0550ae; }
            .muted, .sub { color: var(--muted); }
            .sub { font-size: .85em; }
            .description { white-space: pre-line; }
            code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
              font-size: .9em; }
            pre { background: var(--zebra); border: 1px solid var(--line); padding: .8rem; overflow-x: auto; }
            .banner { border-left: 6px solid; padding: .7rem 1rem; margin: 1rem 0; max-width: 60rem; font-weight: 600; }
            .banner.partial { border-color: #bf8700; background: var(--warn-bg); color: var(--warn); }
            .banner.failed { border-color: var(--bad); background: var(--bad-bg); color: var(--bad); }
            .notes { color: var(--warn); }
            table { border-collapse: separate; border-spacing: 0; font-size: .86rem; }
            thead { position: sticky; top: 0; z-index: 1; }
            th { background: var(--head); text-align: left; font-weight: 600; vertical-align: bottom;
              padding: .35rem .45rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
            th.group { text-align: center; border-bottom: 1px solid var(--line); }
            td.cell-name { white-space: nowrap; }
            td.cell-name .stack { color: var(--muted); font-size: .8rem; }
            td { padding: .3rem .45rem; border-bottom: 1px solid var(--line); vertical-align: top; }
            tbody.cell tr:not(:last-child) td:not([rowspan]) { border-bottom-style: dotted; }
            tbody.cell:nth-of-type(even) td { background: var(--zebra); }
            .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            .from { color: var(--muted); white-space: nowrap; }
            tr.actual td.num { color: var(--muted); }
            td.bad, span.bad { color: var(--bad); font-weight: 600; }
            .status { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-weight: 600; white-space: nowrap; }
            .status.ok, .status.complete { background: var(--ok-bg); color: var(--ok); }
            .status.failed, .status.unreadable { background: var(--bad-bg); color: var(--bad); }
            .status.unsupported, .status.not-run, .status.unknown { background: var(--na-bg); color: var(--na); }
            .status.interrupted, .status.running, .status.partial { background: var(--warn-bg); color: var(--warn); }
            td.why { color: var(--na); }
            td.why.failed, td.why.unreadable, .reason { color: var(--bad); }
            td.note { font-size: .85rem; color: var(--muted); padding-top: .1rem; }
            td.note div.warn { color: var(--warn); }
            .files a { margin-right: .5rem; white-space: nowrap; }
            .banner.ok { border-color: var(--ok); background: var(--ok-bg); color: var(--ok); }
            table.compare tr.worse td { background: var(--bad-bg); }
            table.compare tr.better td { background: var(--ok-bg); }
            table.compare tr.exceeded td { background: #ffd8d3; font-weight: 600; }
            span.good { color: var(--ok); font-weight: 600; }
            .table-wrap { overflow-x: auto; max-width: 100%; }
            td.verdict-line { font-size: .85rem; max-width: 40rem; }
            .workload { font-size: .95rem; }
            section.verdict { margin: 1.4rem 0 .5rem; }
            .findings { display: grid; grid-template-columns: repeat(auto-fit, minmax(19rem, 1fr)); gap: .9rem;
              max-width: 110rem; }
            .finding { border: 1px solid var(--line); border-left: 6px solid var(--ok); border-radius: 6px;
              padding: .7rem 1rem; background: #fff; }
            .finding.warned { border-left-color: #bf8700; }
            .finding.none { border-left-color: var(--line); color: var(--muted); }
            .finding h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
              margin: 0 0 .3rem; }
            .finding .best { font-size: 1.2rem; font-weight: 650; }
            .finding .figure { font-size: 1.2rem; font-variant-numeric: tabular-nums; }
            .finding .runner-up { margin-top: .2rem; }
            .finding .margin { font-weight: 600; color: var(--ok); }
            .finding .basis { font-size: .8rem; color: var(--muted); margin-top: .4rem; }
            .finding ul.warnings { margin: .4rem 0 0; padding-left: 1.1rem; color: var(--warn); font-size: .88rem; }
            ul.verdict-notes { font-size: .88rem; color: var(--muted); margin: .6rem 0 0; }
            .heat-0 { background: #c9efd3 !important; }
            .heat-1 { background: #dcf3c9 !important; }
            .heat-2 { background: #eef4c4 !important; }
            .heat-3 { background: #fbefc2 !important; }
            .heat-4 { background: #fde0c5 !important; }
            .heat-5 { background: #fbd0cc !important; }
            .legend { padding: 0 .3rem; border-radius: 3px; }
            th.sortable-header { cursor: pointer; user-select: none; }
            th.sortable-header:hover { background: #e4e8ec; }
            th[aria-sort="ascending"]::after { content: " \25b2"; font-size: .7em; }
            th[aria-sort="descending"]::after { content: " \25bc"; font-size: .7em; }
            .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(34rem, 1fr)); gap: 1.2rem 1.6rem; }
            figure.chart { margin: 0; min-width: 0; }
            figure.chart figcaption { font-size: .85rem; color: var(--muted); margin-bottom: .4rem; max-width: 48rem; }
            figure.chart figcaption b { color: var(--fg); font-size: 1rem; display: block; }
            .plot { min-height: 2rem; }
            .plot .u-legend { font-size: .75rem; text-align: left; line-height: 1.3; }
            .plot .u-legend .u-value { min-width: 4.5em; color: var(--muted); }
            .plot .u-legend .u-series > * { padding: 1px 3px; }
            dl.env { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: 0; }
            dl.env dt { color: var(--muted); }
            dl.env dd { margin: 0; }
            @media print {
              @page { size: landscape; margin: 1cm; }
              body { margin: 0; font-size: 10pt; }
              table { font-size: 8pt; }
              thead { position: static; }
              tbody.cell { break-inside: avoid; }
              a { color: inherit; text-decoration: none; }
              details > pre { display: none; }
            }
            """;

    private Page() {
    }

    /** Opens a page that runs no script. */
    static void open(StringBuilder out, String title) {
        open(out, title, List.of(), "");
    }

    /**
     * Opens a page whose CSP allows exactly {@code scripts} (inline, written by {@link #close}) and whose
     * styles include {@code extraCss}.
     */
    static void open(StringBuilder out, String title, List<String> scripts, String extraCss) {
        StringBuilder scriptSources = new StringBuilder();
        for (String script : scripts) {
            scriptSources.append(' ').append(Assets.cspHash(script));
        }
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'; img-src data:; ")
                .append(scripts.isEmpty() ? "" : "script-src" + scriptSources + "; ")
                .append("base-uri 'none'; form-action 'none'\">\n")
                .append("<meta name=\"generator\" content=\"pushbench report\">\n")
                .append("<title>").append(Html.text(title)).append("</title>\n")
                .append("<style>\n").append(CSS).append(extraCss).append("\n</style>\n</head>\n<body>\n<main>\n");
    }

    static void close(StringBuilder out) {
        close(out, null, List.of());
    }

    /**
     * Closes the page: {@code dataJson} (already escaped by {@link Html#scriptJson}) as a JSON data block
     * with id {@code chart-data}, when not null, then {@code scripts} in order.
     */
    static void close(StringBuilder out, String dataJson, List<String> scripts) {
        out.append("</main>\n");
        if (dataJson != null) {
            out.append("<script type=\"application/json\" id=\"chart-data\">").append(dataJson).append("</script>\n");
        }
        for (String script : scripts) {
            out.append("<script>").append(script).append("</script>\n");
        }
        out.append("</body>\n</html>\n");
    }

    /** Writes {@code html} to {@code target} through a sibling temporary file and a rename. */
    static void write(Path target, CharSequence html) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temporary, html, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** An ISO-8601 instant as {@code 2026-11-25 15:30:00 UTC}; anything else as stored; {@code null} as "—". */
    static String time(String iso) {
        Instant instant = instant(iso);
        if (instant == null) {
            return iso == null ? Units.ABSENT : iso;
        }
        return SHOWN_TIME.format(instant.atOffset(ZoneOffset.UTC)) + " UTC";
    }

    /** Parses an ISO-8601 date-time with offset, or {@code null}. */
    static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
