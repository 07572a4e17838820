package io.uring4j.tools.bench.child;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LatencyHistogramTest {

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int ns = 1; ns <= 100; ns++) h.record(ns);
        assertEquals(0.050, h.percentileMicros(0.5), 1e-9);
        assertEquals(0.099, h.percentileMicros(0.99), 1e-9);
        assertEquals(100, h.count());
    }

    @Test
    void percentilesNeverUnderstateAndStayWithinTwoPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1000; v < 1_000_000_000L; v = v * 3 / 2 + 7) {
            LatencyHistogram one = new LatencyHistogram();
            one.record(v);
            double got = one.percentileMicros(0.99) * 1000;
            assertTrue(got >= v && got <= v * 1.02, v + " ns reported as " + got);
            h.add(one);
        }
        assertTrue(h.count() > 10);
    }

    @Test
    void indexAndUpperEdgeAgreeAcrossTheRange() {
        for (long v : new long[] {0, 127, 128, 129, 4095, 4096, 1L << 40, Long.MAX_VALUE}) {
            int i = LatencyHistogram.index(v);
            assertTrue(LatencyHistogram.upper(i) >= v, "bucket " + i + " of " + v);
            if (i > 0) assertTrue(LatencyHistogram.upper(i - 1) < v, "previous bucket of " + v);
        }
    }

    @Test
    void emptyHistogramReportsZero() {
        assertEquals(0, new LatencyHistogram().percentileMicros(0.99));
    }
}
