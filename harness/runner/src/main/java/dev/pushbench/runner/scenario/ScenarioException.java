package dev.pushbench.runner.scenario;

/**
 * A scenario file that cannot be used, with where and why, ready to show as it is:
 *
 * <pre>
 *   quick.yaml:14:3: unknown key in feed, got 'paylod'; allowed: topics, rate, payload, history; did you mean 'payload'?
 *   ^file      ^line:column (1-based)  ^bad value   ^what is allowed                       ^near miss, if any
 * </pre>
 *
 * <p>Problems with the file as a whole (missing, a directory, unreadable) have no line and column
 * ({@link #line()} is 0) and read {@code <file>: <problem>}. The CLI prints {@link #getMessage()}
 * and exits with 2 (bad input); there is no stack trace to show.
 */
public final class ScenarioException extends RuntimeException {
    private final String file;
    private final int line;
    private final int column;
    private final String problem;
    private final String got;
    private final String allowed;
    private final String suggestion;

    /**
     * @param line       1-based, or 0 when the problem has no position
     * @param got        the offending value as written, or null
     * @param allowed    what would be accepted, or null
     * @param suggestion the likely intended value, or null
     */
    public ScenarioException(String file, int line, int column, String problem, String got, String allowed, String suggestion) {
        super(format(file, line, column, problem, got, allowed, suggestion), null, false, false);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
        this.got = got;
        this.allowed = allowed;
        this.suggestion = suggestion;
    }

    private static String format(String file, int line, int column, String problem, String got, String allowed, String suggestion) {
        StringBuilder m = new StringBuilder(file);
        if (line > 0) {
            m.append(':').append(line).append(':').append(column);
        }
        m.append(": ").append(problem);
        if (got != null) {
            m.append(", got ").append(got);
        }
        if (allowed != null) {
            m.append("; allowed: ").append(allowed);
        }
        if (suggestion != null) {
            m.append("; did you mean '").append(suggestion).append("'?");
        }
        return m.toString();
    }

    public String file() {
        return file;
    }

    /** 1-based, or 0 if the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** 1-based, or 0 if the problem concerns the whole file. */
    public int column() {
        return column;
    }

    public String problem() {
        return problem;
    }

    /** The offending value as written, or null. */
    public String got() {
        return got;
    }

    /** What would be accepted, or null. */
    public String allowed() {
        return allowed;
    }

    /** The likely intended key or value, or null. */
    public String suggestion() {
        return suggestion;
    }
}
