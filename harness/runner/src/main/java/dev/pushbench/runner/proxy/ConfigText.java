package dev.pushbench.runner.proxy;

/**
 * A configuration file written line by line, each line with the reason it is there as a trailing
 * {@code #} comment (both nginx and HAProxy read {@code #} to the end of the line as a comment), the
 * comments aligned so the file reads as a table in the report.
 */
final class ConfigText {
    private static final int COMMENT_COLUMN = 52;

    private final StringBuilder text = new StringBuilder();
    private final String indentUnit;
    private int depth;

    ConfigText(String indentUnit) {
        this.indentUnit = indentUnit;
    }

    /** A whole-line comment. */
    ConfigText comment(String comment) {
        text.append(indentUnit.repeat(depth)).append("# ").append(comment).append('\n');
        return this;
    }

    /** A directive and the reason for it. */
    ConfigText line(String directive, String reason) {
        String start = indentUnit.repeat(depth) + directive;
        text.append(start).append(" ".repeat(Math.max(2, COMMENT_COLUMN - start.length())))
                .append("# ").append(reason).append('\n');
        return this;
    }

    /** A line that opens a block ({@code http {}) or a section ({@code global}); what follows is indented. */
    ConfigText open(String directive, String reason) {
        line(directive, reason);
        depth++;
        return this;
    }

    /** Closes a block with {@code closing} ("}" for nginx, null for a HAProxy section, which ends at the next one). */
    ConfigText close(String closing) {
        depth--;
        if (closing != null) {
            text.append(indentUnit.repeat(depth)).append(closing).append('\n');
        }
        return this;
    }

    ConfigText blank() {
        text.append('\n');
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
