package io.uring4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad counts and extreme durations for the wait and submit calls of {@link IoUring} (issue 9,
 * items 7 and 10): a negative count is refused by name instead of spinning, and a duration too
 * long for the kernel's clock waits without a deadline instead of overflowing.
 */
@Timeout(30)
class WaitArgumentTest {

    @Test
    void negativeCountsAreRefusedByEveryWaitAndSubmitCall() {
        try (IoUring ring = IoUring.open(4)) {
            Duration t = Duration.ofMillis(10);
            Map<String, Executable> calls = Map.of(
                    "waitCqes(int)", () -> ring.waitCqes(-1),
                    "waitCqes(int, Duration)", () -> ring.waitCqes(-1, t),
                    "waitCqes(int, Duration, int)", () -> ring.waitCqes(-2, t, 0),
                    "submitAndWait(int)", () -> ring.submitAndWait(-1),
                    "submitAndWait(int, Duration)", () -> ring.submitAndWait(-1, t),
                    "submitAndWait(int, Duration, int)", () -> ring.submitAndWait(-2, t, 0));
            calls.forEach((name, call) -> {
                // assertTimeoutPreemptively: today's waitCqes(-1) spins forever instead of throwing
                var e = assertTimeoutPreemptively(Duration.ofSeconds(2),
                        () -> assertThrows(IllegalArgumentException.class, call, name), name);
                assertTrue(e.getMessage().contains("waitNr") && e.getMessage().contains("given -"), name + ": " + e.getMessage());
            });
            // nothing was submitted or consumed by the refused calls
            assertEquals(0, ring.cqReady());
            ring.getSqe().prepNop().userData(5);
            assertEquals(1, ring.submitAndWait(1));
            assertEquals(5, ring.waitCqe().userData());
        }
    }

    @Test
    void noTimeoutConstantWaitsForTheCompletion() {
        try (IoUring ring = IoUring.open(4)) {
            ring.getSqe().prepNop().userData(7);
            ring.submit();
            Cqe cqe = ring.waitCqe(Registration.NO_TIMEOUT); // ArithmeticException: long overflow before
            assertNotNull(cqe);
            assertEquals(7, cqe.userData());
            ring.cqeSeen(cqe);
        }
    }

    /**
     * A huge timeout means "no deadline": the wait lasts until the completion (a 200 ms TIMEOUT
     * here), neither throws nor returns at once. Without saturation the kernel adds the timespec
     * to its clock, the sum overflows into the past and the wait returns immediately.
     */
    @Test
    void hugeDurationsWaitUntilTheCompletionInEveryTimedCall() {
        Duration[] huge = {Registration.NO_TIMEOUT, ChronoUnit.FOREVER.getDuration(), Duration.ofSeconds(1L << 40),
                Duration.ofSeconds(Long.MAX_VALUE / 2, 999_999_999)};
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            MemorySegment ts = KernelTimespec.allocate(arena, Duration.ofMillis(200));
            for (Duration d : huge) {
                for (int form = 0; form < 3; form++) {
                    ring.getSqe().prepTimeout(ts, 0, 0).userData(form);
                    long start = System.nanoTime();
                    Cqe cqe;
                    if (form == 0) {
                        ring.submit();
                        cqe = ring.waitCqe(d);
                    } else if (form == 1) {
                        ring.submitAndWait(1, d);
                        assertEquals(1, ring.cqReady(), "submitAndWait(1, " + d + ") waited for the CQE");
                        cqe = ring.peekCqe();
                    } else {
                        ring.submit();
                        cqe = ring.waitCqes(1, d, 0);
                    }
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    assertNotNull(cqe, "form " + form + " with " + d);
                    assertEquals(form, cqe.userData());
                    assertEquals(-Errno.ETIME.code(), cqe.res(), "the 200 ms timeout fired");
                    assertTrue(ms >= 150, "waited for the timeout (" + ms + " ms) with " + d);
                    ring.cqeSeen(cqe);
                }
            }
        }
    }

    @Test
    void hugeDurationsAreAcceptedByTheCancelAndTimespecCalls() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            // nothing to cancel: 0 at once, whatever the timeout
            assertEquals(0, ring.registration().syncCancel(12345, 0, Duration.ofSeconds(Long.MAX_VALUE)));
            MemorySegment ts = KernelTimespec.allocate(arena, ChronoUnit.FOREVER.getDuration());
            assertEquals(Long.MAX_VALUE, ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
        }
    }
}
