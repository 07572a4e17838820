package io.uring4j.tools.bench.report;

import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Workload;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The PNG chart of one workload, drawn with XChart (headless). Each parameter point gets a panel
 * of its own, with a linear axis from zero (points of one workload can differ 100x: tmpfs and
 * disk; a shared or logarithmic axis would hide or shrink the gaps that matter). In a panel each
 * contender is a marker at its median with a whisker from its p10 to its p90 over the
 * repetitions, at its own place on the x axis, named in the legend below (one line each, so
 * names never overprint). A panel's title names
 * only the parameters that vary between points; the ones that do not go in the chart's title,
 * with the mode when it is not a full run. Colours come from {@link ChartPalette}: the same
 * contender has the same colour in every chart, uring4j's the strongest. Missing or failed
 * contenders get no marker.
 */
public final class BenchChart {
    static final int PANEL_WIDTH = 620, PANEL_HEIGHT = 420, TITLE_HEIGHT = 44;

    private BenchChart() {
    }

    /** Draws {@code report}'s chart into {@code png}; writes nothing when no contender has a figure. */
    public static void write(BenchReport report, Path png) throws IOException {
        BufferedImage image = draw(report);
        if (image != null) ImageIO.write(image, "png", png.toFile());
    }

    /** The chart, or null when no contender has a figure. */
    static BufferedImage draw(BenchReport report) {
        System.setProperty("java.awt.headless", "true");
        Map<BenchPoint, List<ContenderResult>> results = report.results();
        if (results.values().stream().flatMap(List::stream).noneMatch(r -> r.medianRate() > 0)) return null;
        List<BenchPoint> points = new ArrayList<>(results.keySet());
        Map<String, Object> fixed = fixedParams(points);
        Workload w = report.workload();
        List<BufferedImage> panels = new ArrayList<>();
        for (BenchPoint p : points) panels.add(BitmapEncoder.getBufferedImage(panel(w, p, fixed, results.get(p))));

        int columns = panels.size() == 1 ? 1 : 2;
        int rows = (panels.size() + columns - 1) / columns;
        BufferedImage out = new BufferedImage(columns * PANEL_WIDTH, TITLE_HEIGHT + rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(g.getFont().deriveFont(16f));
            g.drawString(title(w, report.plan().mode(), fixed), 12, 28);
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(panels.get(i), (i % columns) * PANEL_WIDTH, TITLE_HEIGHT + (i / columns) * PANEL_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The chart's title: workload, unit, the parameters every point shares, and a mark for quick and tiny runs. */
    static String title(Workload w, String mode, Map<String, Object> fixed) {
        StringBuilder t = new StringBuilder("uring4j bench ").append(w.name()).append(": median ").append(w.unit())
                .append(" (higher is better), whiskers p10-p90");
        if (!fixed.isEmpty()) t.append("; ").append(label(fixed));
        if (!"full".equals(mode)) t.append("  [").append(mode).append(" run: indicative only]");
        return t.toString();
    }

    /** The parameters with the same value at every point (left out of the panel titles). */
    static Map<String, Object> fixedParams(List<BenchPoint> points) {
        Map<String, Object> fixed = new LinkedHashMap<>();
        if (points.size() < 2) return fixed;
        points.getFirst().params().forEach((k, v) -> {
            if (points.stream().allMatch(p -> Objects.equals(p.params().get(k), v))) fixed.put(k, v);
        });
        return fixed;
    }

    /** A panel's title: the point's parameters that vary. */
    static String panelTitle(BenchPoint p, Map<String, Object> fixed) {
        Map<String, Object> varying = new LinkedHashMap<>(p.params());
        fixed.keySet().forEach(varying::remove);
        return varying.isEmpty() ? "all contenders" : label(varying);
    }

    private static String label(Map<String, Object> params) {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    private static XYChart panel(Workload w, BenchPoint p, Map<String, Object> fixed, List<ContenderResult> row) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(panelTitle(p, fixed))
                .yAxisTitle(w.unit()).build();
        var s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS); // one line per contender: names never overprint
        s.setYAxisMin(0.0);
        double top = 0;
        for (ContenderResult r : row) if (r.medianRate() > 0) top = Math.max(top, Math.max(r.medianRate(), r.quantileRate(0.9)));
        if (top > 0) s.setYAxisMax(top * 1.15);
        s.setYAxisDecimalPattern("#,###");
        s.setXAxisMin(-0.5);
        s.setXAxisMax(row.size() - 0.5);
        s.setXAxisTicksVisible(false); // the contenders' places carry no number: the legend names them
        s.setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
        boolean any = false;
        for (int i = 0; i < row.size(); i++) {
            ContenderResult r = row.get(i);
            double median = r.medianRate();
            if (!(median > 0)) continue;
            any = true;
            Color c = ChartPalette.of(r.contender());
            XYSeries whisker = chart.addSeries(r.contender() + " p10-p90", new double[] {i, i},
                    new double[] {r.quantileRate(0.1), r.quantileRate(0.9)});
            whisker.setLineColor(c);
            whisker.setMarker(SeriesMarkers.NONE);
            whisker.setLineStyle(SeriesLines.SOLID);
            whisker.setLineWidth(ChartPalette.isSubject(r.contender()) ? 3f : 2f);
            whisker.setShowInLegend(false);
            XYSeries point = chart.addSeries(r.contender(), new double[] {i}, new double[] {median});
            point.setMarker(SeriesMarkers.CIRCLE);
            point.setMarkerColor(c);
            point.setLineStyle(SeriesLines.NONE);
        }
        if (!any) chart.setTitle(chart.getTitle() + " (no figures)");
        s.setMarkerSize(12);
        return chart;
    }
}
