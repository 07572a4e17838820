package io.uring4j.tools.bench.report;

import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.NopWorkload;
import io.uring4j.tools.bench.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Charts a reader can trust (issue 14 item 7): panels per point, stable colours, honest labels, the mode marked. */
class BenchChartTest {
    private static ContenderResult result(String contender, double... rates) {
        ContenderResult r = new ContenderResult(contender);
        for (double rate : rates) r.add(new Sample(rate, 1e-6, 0));
        return r;
    }

    private static BenchPoint point(int batch, boolean registered) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("batch", batch);
        p.put("registered_ring_fd", registered);
        return new BenchPoint(p);
    }

    private static BenchReport report(String mode, Map<BenchPoint, List<ContenderResult>> results) {
        BenchPlan plan = new BenchPlan(mode, 3, 0, 1, 0, -1, Path.of("target"), List.of(1, 32), false);
        return new BenchReport(new NopWorkload(), plan, results, List.of());
    }

    @Test
    void eachPointIsAPanelOnALinearAxisAndTheImageIsWritten(@TempDir Path dir) throws Exception {
        Map<BenchPoint, List<ContenderResult>> results = new LinkedHashMap<>();
        results.put(point(1, false), List.of(result("uring4j", 6e6, 6.1e6, 6.2e6), result("liburing", 7e6, 7.4e6, 7.5e6)));
        results.put(point(32, false), List.of(result("uring4j", 60e6, 61e6, 62e6), result("liburing", 70e6, 71e6, 72e6)));
        results.put(point(128, false), List.of(result("uring4j", 90e6), result("liburing")));
        Path png = dir.resolve("nop.png");
        BenchChart.write(report("full", results), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * BenchChart.PANEL_WIDTH, image.getWidth(), "two columns of panels");
        assertEquals(BenchChart.TITLE_HEIGHT + 2 * BenchChart.PANEL_HEIGHT, image.getHeight(), "three panels in two rows");
        assertTrue(containsColour(image, ChartPalette.of("uring4j")), "uring4j's markers are drawn in its colour");
        assertTrue(containsColour(image, ChartPalette.of("liburing")), "the peer's markers are drawn in its colour");
    }

    @Test
    void parametersThatDoNotVaryLeaveThePanelTitlesForTheChartTitle() {
        List<BenchPoint> points = List.of(point(1, false), point(32, false));
        Map<String, Object> fixed = BenchChart.fixedParams(points);
        assertEquals(Map.of("registered_ring_fd", false), fixed);
        assertEquals("batch=1", BenchChart.panelTitle(points.get(0), fixed));
        assertEquals("batch=32", BenchChart.panelTitle(points.get(1), fixed));
        String title = BenchChart.title(new NopWorkload(), "full", fixed);
        assertTrue(title.contains("registered_ring_fd=false"), title);
        assertFalse(title.contains("indicative"), title);
        assertTrue(BenchChart.title(new NopWorkload(), "quick", fixed).contains("[quick run: indicative only]"));
        assertTrue(BenchChart.title(new NopWorkload(), "tiny", Map.of()).contains("[tiny run: indicative only]"));
        assertEquals(Map.of(), BenchChart.fixedParams(List.of(point(1, false))), "one point: nothing is left out of its title");
    }

    @Test
    void aContenderHasOneColourEverywhereAndUring4jTheStrongOnes() {
        assertEquals(ChartPalette.of("fio-io_uring"), ChartPalette.of("fio-io_uring"));
        assertTrue(ChartPalette.isSubject("uring4j-runtime"));
        assertFalse(ChartPalette.isSubject("netty"));
        for (String peer : List.of("liburing", "fio-io_uring", "fio-libaio", "netty", "jdk-filechannel", "jdk-vthreads")) {
            for (String subject : List.of("uring4j", "uring4j-runtime", "uring4j-core")) {
                assertNotEquals(ChartPalette.of(subject), ChartPalette.of(peer), subject + " and " + peer + " share a colour");
            }
        }
    }

    @Test
    void noFiguresNoChart(@TempDir Path dir) throws Exception {
        Map<BenchPoint, List<ContenderResult>> results = new LinkedHashMap<>();
        results.put(point(1, false), List.of(result("uring4j"), result("liburing")));
        assertNull(BenchChart.draw(report("full", results)));
        BenchChart.write(report("full", results), dir.resolve("none.png"));
        assertFalse(Files.exists(dir.resolve("none.png")));
    }

    private static boolean containsColour(BufferedImage image, Color c) {
        int rgb = c.getRGB() & 0xFFFFFF;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) return true;
            }
        }
        return false;
    }
}
