package io.uring4j.tools.bench.child;

import org.junit.jupiter.api.Test;

import static io.uring4j.tools.JsonAssert.*;

/**
 * Issue 14 item 8: the result lines a bench child prints to the harness ({@code RESULT <json>})
 * keep their fields, order and precision (resources json/child-*.json).
 */
class ChildResultJsonTest {

    @Test
    void aMeasuredWindow() {
        LatencyHistogram h = new LatencyHistogram();
        for (long ns : new long[]{900, 1000, 2500, 2600, 40_000, 1_250_000}) h.record(ns);
        assertSameAsResource("child-window", Window.result(1_234_567, 5_000_000_000L, 4_321_000_000L, 98_765_432L, h));
    }

    @Test
    void aShortWindowWithoutLatencies() {
        assertSameAsResource("child-window-short", Window.result(3, 250_000_000L, 1, 0, new LatencyHistogram()));
    }

    @Test
    void aCopy() {
        assertSameAsResource("child-copy", CopyBench.result(1L << 30, 1.2345678, 0.4567891));
        assertSameAsResource("child-copy-instant", CopyBench.result(0, 0.0000004, 0));
    }
}
