package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulated links a run's cells crossed ({@code cell.network}, {@code link} in {@code summary.json}): one
 * line per link with its key figures and the cells that crossed it, shown as the "Links" note beneath the
 * results table. Cells on loopback as is are in no line; a run without shaped cells has no note.
 *
 * <pre>
 *   Links links = Links.of(report.cells());
 *   links.isEmpty();          // true when every cell ran on loopback
 *   links.lines().get(0);     // 4g: rtt 150 ms ± 20.0 ms jitter · down 8 Mbit/s · up 2 Mbit/s · …
 * </pre>
 *
 * <p>Two cells of one network id whose figures differ (a preset changed between versions, {@code custom} set
 * twice) get a line each, so no figure is ever shown for a cell that did not cross it.
 */
record Links(List<Line> lines) {

    /** One link as shown: its id, its figures ({@link Format#ABSENT} when the summary has none) and its cells. */
    record Line(String id, String figures, List<String> cells) {
    }

    static Links of(List<CellRow> cells) {
        Map<String, List<String>> byLink = new LinkedHashMap<>();
        Map<String, String[]> shown = new LinkedHashMap<>();
        for (CellRow cell : cells) {
            if (!cell.shaped()) {
                continue;
            }
            String figures = cell.linkFigures() == null ? Format.ABSENT : cell.linkFigures();
            String key = cell.network() + "\u0000" + figures;
            byLink.computeIfAbsent(key, k -> new ArrayList<>()).add(cell.name());
            shown.putIfAbsent(key, new String[] {cell.network(), figures});
        }
        List<Line> lines = new ArrayList<>();
        byLink.forEach((key, names) -> lines.add(new Line(shown.get(key)[0], shown.get(key)[1], List.copyOf(names))));
        return new Links(List.copyOf(lines));
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    /**
     * A link's key figures on one line: "rtt 150 ms ± 20.0 ms jitter · down 8 Mbit/s · up 2 Mbit/s · a stall
     * of 500 ms every 30 s (mean) · MTU 1500"; an absent bandwidth is "unlimited", absent stalls "no stalls".
     */
    static String figures(CellResult.Link link) {
        List<String> parts = new ArrayList<>();
        String rtt = "rtt " + (link.rttMillis() == null ? Format.ABSENT : Format.micros(link.rttMillis() * 1000));
        if (link.jitterMillis() != null && link.jitterMillis() > 0) {
            rtt += " \u00b1 " + Format.micros(link.jitterMillis() * 1000) + " jitter";
        }
        parts.add(rtt);
        parts.add("down " + bitsPerSecond(link.downBitsPerSecond()));
        parts.add("up " + bitsPerSecond(link.upBitsPerSecond()));
        if (link.stallEverySeconds() == null || link.stallMillis() == null || link.stallMillis() <= 0) {
            parts.add("no stalls");
        } else {
            parts.add("a stall of " + Format.micros(link.stallMillis() * 1000) + " every "
                    + Format.micros(link.stallEverySeconds() * 1e6) + " (mean)");
        }
        if (link.mtu() != null) {
            parts.add("MTU " + link.mtu());
        }
        return String.join(" \u00b7 ", parts);
    }

    /** {@code 8 Mbit/s}, {@code 384 kbit/s}; absent: unlimited. */
    static String bitsPerSecond(Long bits) {
        if (bits == null) {
            return "unlimited";
        }
        String[] units = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s"};
        double value = bits;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return Format.significant(value) + " " + units[unit];
    }

    /** The note as text for the model description. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Line line : lines) {
            out.append("link: ").append(line.id()).append(": ").append(line.figures()).append(" \u2014 ")
                    .append(String.join(", ", line.cells())).append('\n');
        }
        return out.toString();
    }
}
