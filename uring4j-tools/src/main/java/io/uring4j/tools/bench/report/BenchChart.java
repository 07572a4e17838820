package io.uring4j.tools.bench.report;

import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Workload;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PNG chart of one workload, drawn with XChart (headless): one group of bars per point, one
 * bar per contender at its median; a logarithmic axis when the figures span more than 20x (the
 * direct workload's tmpfs and disk). Missing or failed contenders get no bar.
 */
public final class BenchChart {
    private BenchChart() {}

    /** Draws {@code report}'s chart into {@code png}; writes nothing when no contender has a figure. */
    public static void write(BenchReport report, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<BenchPoint, List<ContenderResult>> results = report.results();
        if (results.isEmpty()) return;
        List<String> points = new ArrayList<>();
        results.keySet().forEach(p -> points.add(p.toString()));
        List<String> contenders = results.values().iterator().next().stream().map(r -> r.contender()).toList();
        double min = Double.MAX_VALUE, max = 0;
        for (List<ContenderResult> row : results.values()) {
            for (ContenderResult r : row) {
                double m = r.medianRate();
                if (m > 0) {
                    min = Math.min(min, m);
                    max = Math.max(max, m);
                }
            }
        }
        if (max == 0) return;
        Workload w = report.workload();
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(900, 140 * points.size() + 60 * contenders.size()))
                .height(620).title("uring4j bench " + w.name() + ": median " + w.unit() + " (higher is better)")
                .xAxisTitle("point").yAxisTitle(w.unit()).build();
        Styler.LegendPosition legend = Styler.LegendPosition.OutsideE;
        chart.getStyler().setLegendPosition(legend);
        chart.getStyler().setAvailableSpaceFill(0.9);
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        boolean log = max / min > 20;
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) {
            chart.setYAxisTitle(w.unit() + " (log scale)");
            // bars grow from the axis minimum, which a log axis must be told (XChart assumes 0 otherwise)
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min / 2))));
        }
        for (String c : contenders) {
            List<Double> y = new ArrayList<>();
            boolean any = false;
            for (List<ContenderResult> row : results.values()) {
                double m = row.stream().filter(r -> r.contender().equals(c)).findFirst().map(ContenderResult::medianRate).orElse(Double.NaN);
                any |= m > 0;
                // a missing bar: on a log axis the smallest value drawn, on a linear one zero
                y.add(m > 0 ? m : log ? min / 2 : 0);
            }
            if (any) chart.addSeries(c, points, y);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
