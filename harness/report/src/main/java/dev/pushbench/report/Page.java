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

/**
 * The frame every page shares: document head with inline CSS and a Content-Security-Policy that forbids
 * every fetch and every script (so the page works from {@code file://}, offline, and even an escaping
 * bug could not run code), and writing a page atomically so a reader never sees half of one.
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
            table { border-collapse: separate; border-spacing: 0; font-size: .9rem; }
            thead { position: sticky; top: 0; z-index: 1; }
            th { background: var(--head); text-align: left; font-weight: 600; vertical-align: bottom;
              padding: .35rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
            th.group { text-align: center; border-bottom: 1px solid var(--line); }
            td { padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
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

    static void open(StringBuilder out, String title) {
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'; img-src data:; form-action 'none'\">\n")
                .append("<meta name=\"generator\" content=\"pushbench report\">\n")
                .append("<title>").append(Html.text(title)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
    }

    static void close(StringBuilder out) {
        out.append("</main>\n</body>\n</html>\n");
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
