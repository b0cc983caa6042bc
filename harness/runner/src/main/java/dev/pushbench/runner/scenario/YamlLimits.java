package dev.pushbench.runner.scenario;

import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;

/**
 * The bounds a scenario file's YAML must keep, so that a hostile or broken file (an alias bomb,
 * thousands of nested brackets, a multi-megabyte text) is refused quickly, and where the parser
 * stopped when it is: SnakeYAML reports these limits without a position.
 *
 * <pre>
 *   Node root = new Yaml(YamlLimits.options()).compose(reader);   // throws YAMLException past a limit
 *   YamlLimits.Breach b = YamlLimits.find(text, e);               // line, column and what was exceeded
 * </pre>
 */
final class YamlLimits {
    static final int MAX_ALIASES = 50;
    static final int MAX_NESTING = 20;
    static final int MAX_CODE_POINTS = 1 << 20;

    private YamlLimits() {
    }

    static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        return options;
    }

    /** A limit the text went past: where (1-based) and which. */
    record Breach(int line, int column, String problem) {
    }

    /**
     * Where {@code text} first goes past a limit, or null when none explains {@code e}. The size limit
     * is found by counting code points, the others by walking the text's events without composing them
     * (an alias bomb is cheap as events: it explodes only when its aliases are expanded).
     */
    static Breach find(String text, YAMLException e) {
        if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            int[] at = lineColumnOfCodePoint(text, MAX_CODE_POINTS);
            return new Breach(at[0], at[1], "the file is longer than " + MAX_CODE_POINTS + " characters (1 MiB); a scenario"
                    + " needs a few hundred");
        }
        LoaderOptions lenient = new LoaderOptions();
        lenient.setNestingDepthLimit(Integer.MAX_VALUE);
        lenient.setMaxAliasesForCollections(Integer.MAX_VALUE);
        lenient.setCodePointLimit(Integer.MAX_VALUE);
        int depth = 0;
        int aliases = 0;
        try {
            for (Event event : new Yaml(lenient).parse(new StringReader(text))) {
                Mark mark = event.getStartMark();
                if (event instanceof CollectionStartEvent && ++depth > MAX_NESTING) {
                    return new Breach(mark.getLine() + 1, mark.getColumn() + 1, "collections nested deeper than "
                            + MAX_NESTING + " levels; a scenario needs three");
                }
                if (event instanceof CollectionEndEvent) {
                    depth--;
                }
                if (event instanceof AliasEvent && ++aliases > MAX_ALIASES) {
                    return new Breach(mark.getLine() + 1, mark.getColumn() + 1, "more than " + MAX_ALIASES
                            + " aliases (*name); a file that repeats itself through aliases can expand without bound");
                }
            }
        } catch (YAMLException another) {
            return null;
        }
        return null;
    }

    /** The 1-based line and column of the code point at {@code codePointIndex}. */
    static int[] lineColumnOfCodePoint(String text, int codePointIndex) {
        int line = 1;
        int column = 1;
        int seen = 0;
        for (int i = 0; i < text.length() && seen < codePointIndex; i += Character.charCount(text.codePointAt(i)), seen++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
