package io.uring4j.runtime;

import io.uring4j.testing.ChildJvm;

import static org.junit.jupiter.api.Assertions.*;

/** What every fault-injection test asks of a {@link FaultChild} report. */
final class FaultAssertions {
    private FaultAssertions() {}

    /**
     * {@code key} reports an exception of exactly {@code type} whose message contains every
     * fragment: the documented exception naming the cause, never an NPE or an Error.
     */
    static void assertThrew(ChildJvm.Result r, String key, String type, String... fragments) {
        String v = r.value(key);
        assertTrue(v.startsWith(type + ": "), key + " should throw " + type + ", got: " + v + r.describe());
        for (String f : fragments) {
            assertTrue(v.contains(f), key + " should say '" + f + "': " + v);
        }
    }

    /** Back to the fds and native bytes of before the measured round, and no loop thread left. */
    static void assertNothingLeft(ChildJvm.Result r) {
        assertEquals(r.value("fds.before"), r.value("fds.after"), "fds leaked (now open: " + r.value("fds.list") + ")" + r.describe());
        assertEquals(r.value("native.before"), r.value("native.after"), "native bytes leaked" + r.describe());
        assertEquals("", r.value("threads"), "uring4j threads left behind");
    }

    /**
     * Over the idle window {@code key} measured, the loop threads used (almost) no CPU and the
     * whole process little: a busy loop would use about the whole window.
     */
    static void assertIdle(ChildJvm.Result r, String key) {
        long window = r.longValue(key + ".windowMs");
        long loops = r.longValue(key + ".loopCpuMs");
        long process = r.longValue(key + ".cpuMs");
        assertTrue(loops <= window / 10, "the loop threads used " + loops + " ms of CPU in an idle " + window + " ms: a busy loop" + r.describe());
        assertTrue(process <= window / 3, "the process used " + process + " ms of CPU in an idle " + window + " ms" + r.describe());
    }
}
