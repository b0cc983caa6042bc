package dev.pushbench.report;

import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.HistogramSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The table's heat colouring: per column, where each measured cell's figure lies between the column's
 * best and worst, in {@link #STEPS} + 1 classes ({@code heat-0} best, greenest … {@code heat-5} worst).
 * Relative within the column, so it says which cell is better here, not whether a figure is good.
 * Durations and costs are placed on a log scale (short polling's half-second staleness would otherwise
 * paint every streaming cell the same green); counts linearly. A column with fewer than two distinct
 * figures is not coloured; cells that were not measured ({@code ok}) never are.
 *
 * <pre>
 *   HeatColouring heat = HeatColouring.of(cells, Map.of("cpu-server", c -> c.costs().serverCpuMicrosPerMessage()));
 *   heat.css(cell, "p99");   // " heat-2", or "" when the cell or column is not coloured
 * </pre>
 */
final class HeatColouring {
    static final int STEPS = 5;

    private enum Scale { LOG_LOWER_BETTER, LINEAR_LOWER_BETTER, LINEAR_HIGHER_BETTER }

    private record Column(Function<CellRow, ? extends Number> value, Scale scale) {
    }

    private final Map<String, Map<String, Integer>> classes;

    private HeatColouring(Map<String, Map<String, Integer>> classes) {
        this.classes = classes;
    }

    /**
     * @param extraColumns further columns (costs), keyed as in the table; lower is better, log scale
     */
    static HeatColouring of(List<CellRow> cells, Map<String, Function<CellRow, ? extends Number>> extraColumns) {
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("delivered", new Column(HeatColouring::deliveredRatio, Scale.LINEAR_HIGHER_BETTER));
        columns.put("lost", new Column(c -> c.delivery() == null ? null : c.delivery().lost(), Scale.LINEAR_LOWER_BETTER));
        columns.put("duplicated", new Column(c -> c.delivery() == null ? null : c.delivery().duplicated(),
                Scale.LINEAR_LOWER_BETTER));
        columns.put("reordered", new Column(c -> c.delivery() == null ? null : c.delivery().reordered(),
                Scale.LINEAR_LOWER_BETTER));
        percentileColumns(columns, "", CellRow::latency);
        percentileColumns(columns, "actual-", CellRow::latencyActual);
        columns.put("connect-p50", new Column(c -> c.connect() == null ? null : c.connect().p50(), Scale.LOG_LOWER_BETTER));
        columns.put("connect-p99", new Column(c -> c.connect() == null ? null : c.connect().p99(), Scale.LOG_LOWER_BETTER));
        extraColumns.forEach((key, value) -> columns.put(key, new Column(value, Scale.LOG_LOWER_BETTER)));

        List<CellRow> measured = cells.stream().filter(CellRow::isMeasured).toList();
        Map<String, Map<String, Integer>> classes = new HashMap<>();
        columns.forEach((key, column) -> classes.put(key, classify(measured, column)));
        return new HeatColouring(classes);
    }

    /** {@code " heat-N"} for {@code cell} in column {@code key}, or {@code ""}. */
    String css(CellRow cell, String key) {
        Integer step = classes.getOrDefault(key, Map.of()).get(cell.name());
        return step == null ? "" : " heat-" + step;
    }

    /** Delivered ÷ expected, or {@code null} when either is absent or nothing was expected. */
    static Double deliveredRatio(CellRow cell) {
        CellResult.Delivery d = cell.delivery();
        if (d == null || d.delivered() == null || d.expected() == null || d.expected() <= 0) {
            return null;
        }
        return Format.fourDigits((double) d.delivered() / d.expected());
    }

    private static void percentileColumns(Map<String, Column> columns, String prefix,
                                          Function<CellRow, HistogramSummary> stats) {
        columns.put(prefix + "p50", new Column(c -> stats.apply(c) == null ? null : stats.apply(c).p50(), Scale.LOG_LOWER_BETTER));
        columns.put(prefix + "p90", new Column(c -> stats.apply(c) == null ? null : stats.apply(c).p90(), Scale.LOG_LOWER_BETTER));
        columns.put(prefix + "p99", new Column(c -> stats.apply(c) == null ? null : stats.apply(c).p99(), Scale.LOG_LOWER_BETTER));
        columns.put(prefix + "p999", new Column(c -> stats.apply(c) == null ? null : stats.apply(c).p999(), Scale.LOG_LOWER_BETTER));
        columns.put(prefix + "max", new Column(c -> stats.apply(c) == null ? null : stats.apply(c).max(), Scale.LOG_LOWER_BETTER));
    }

    private static Map<String, Integer> classify(List<CellRow> measured, Column column) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (CellRow cell : measured) {
            Number value = column.value().apply(cell);
            if (value != null && !Double.isNaN(value.doubleValue())) {
                values.put(cell.name(), value.doubleValue());
            }
        }
        if (values.size() < 2) {
            return Map.of();
        }
        List<Double> all = new ArrayList<>(values.values());
        double min = all.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = all.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        if (max == min) {
            return Map.of();
        }
        boolean log = column.scale() == Scale.LOG_LOWER_BETTER && min > 0;
        Map<String, Integer> steps = new HashMap<>();
        values.forEach((cell, value) -> {
            double position = log
                    ? (Math.log(value) - Math.log(min)) / (Math.log(max) - Math.log(min))
                    : (value - min) / (max - min);
            double badness = column.scale() == Scale.LINEAR_HIGHER_BETTER ? 1 - position : position;
            steps.put(cell, (int) Math.round(badness * STEPS));
        });
        return steps;
    }
}
