package io.uring4j.tools.bench.report;

import io.uring4j.tools.bench.jmh.JmhChild;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The arithmetic behind the table: quantiles, and reading the JMH child's result line. */
class StatsTest {

    @Test
    void quantilesInterpolateBetweenClosestRanks() {
        double[] v = {4, 1, 3, 2};
        assertEquals(2.5, Stats.median(v), 1e-12);
        assertEquals(1.3, Stats.quantile(v, 0.1), 1e-12);
        assertEquals(3.7, Stats.quantile(v, 0.9), 1e-12);
        assertEquals(1.0, Stats.quantile(v, 0.0), 1e-12);
        assertEquals(4.0, Stats.quantile(v, 1.0), 1e-12);
    }

    @Test
    void singleSampleIsEveryQuantileAndMissingDataIsNaN() {
        assertEquals(7.0, Stats.quantile(new double[] {7}, 0.1));
        assertEquals(7.0, Stats.quantile(new double[] {7}, 0.9));
        assertTrue(Double.isNaN(Stats.median(new double[0])));
        assertTrue(Double.isNaN(Stats.median(new double[] {Double.NaN, Double.NaN})));
        assertEquals(2.0, Stats.median(new double[] {Double.NaN, 2.0}), "NaN samples are ignored");
    }

    @Test
    void quantileOutsideZeroToOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Stats.quantile(new double[] {1}, 1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void jmhChildLineIsParsedAmongOtherOutput() {
        JmhChild.Outcome o = JmhChild.Outcome.parse("# some JMH chatter\nJMH_RESULT score=123.5 alloc_norm=0.25 cpu_norm=400.0\n");
        assertEquals(123.5, o.invocationsPerSecond());
        assertEquals(0.25, o.bytesPerInvocation());
        assertEquals(400.0, o.cpuNanosPerInvocation());
        assertThrows(IllegalStateException.class, () -> JmhChild.Outcome.parse("no result here"));
    }
}
