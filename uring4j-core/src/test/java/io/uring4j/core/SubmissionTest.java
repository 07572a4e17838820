package io.uring4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** SQ mechanics: ring sizes, SQ space, dropped entries, the ordering of a huge chain. */
@Timeout(60)
class SubmissionTest {

    @Test
    void getSqeReturnsNullExactlyWhenFullAndSpaceLeftCounts() {
        try (IoUring ring = IoUring.open(8)) {
            assertEquals(8, ring.sqSpaceLeft());
            for (int i = 0; i < 8; i++) {
                assertEquals(8 - i, ring.sqSpaceLeft());
                assertEquals(i, ring.sqReady());
                Sqe sqe = ring.getSqe();
                assertNotNull(sqe, "SQE " + i + " of 8");
                sqe.prepNop();
            }
            assertEquals(0, ring.sqSpaceLeft());
            assertNull(ring.getSqe(), "the ninth SQE of an 8-entry ring");
            assertEquals(8, ring.submit());
            assertEquals(8, ring.sqSpaceLeft(), "the kernel consumed all entries at submit");
            assertNotNull(ring.getSqe());
        }
    }

    @Test
    void submitWithNothingPendingReturnsZeroWithoutError() {
        try (IoUring ring = IoUring.open(4)) {
            assertEquals(0, ring.submit());
            assertNull(ring.peekCqe());
        }
    }

    @Test
    void submitCountsEveryEntryAcrossManyRounds() {
        try (IoUring ring = IoUring.open(32)) {
            long total = 0;
            for (int round = 1; round <= 32; round++) {
                for (int i = 0; i < round; i++) ring.getSqe().prepNop().userData(i);
                assertEquals(round, ring.submitAndWait(round), "round " + round);
                total += ring.forEachCqe(cqe -> assertEquals(0, cqe.res()));
            }
            assertEquals(32 * 33 / 2, total);
        }
    }

    /** 32768 linked NOPs, submitted as one chain, complete in submission order. */
    @Test
    void maximalLinkChainCompletesInOrder() {
        int n = 32768;
        try (IoUring ring = IoUring.open(n, IoUringParams.create().cqEntries(2 * n))) {
            for (int i = 0; i < n; i++) {
                Sqe sqe = ring.getSqe().prepNop().userData(i);
                if (i < n - 1) sqe.flag(SqeFlag.IO_LINK);
            }
            assertEquals(n, ring.submit());
            int[] next = {0};
            while (next[0] < n) {
                assertNotNull(ring.waitCqe(Duration.ofSeconds(10)), "CQE " + next[0] + " of " + n);
                ring.forEachCqe(cqe -> {
                    assertEquals(0, cqe.res());
                    assertEquals(next[0], cqe.userData(), "linked chain completes in order");
                    next[0]++;
                });
            }
        }
    }

    /** liburing's submit-and-wait test: the timed variant enters once and does not wait twice. */
    @Test
    void submitAndWaitWithTimeoutDoesNotWaitTwice() {
        try (IoUring ring = IoUring.open(4)) {
            // A TIMEOUT of 1 s that nothing else completes: the wait for 2 CQEs must give up at 200 ms.
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                var ts = KernelTimespec.allocate(arena, Duration.ofSeconds(1));
                ring.getSqe().prepTimeout(ts, 0, 0).userData(1);
                long start = System.nanoTime();
                int submitted = ring.submitAndWait(2, Duration.ofMillis(200));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(1, submitted, "returns the count submitted");
                assertTrue(ms >= 150 && ms < 800, "waited once, about 200 ms, was " + ms + " ms");
                assertEquals(0, ring.cqReady());
                Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
                assertNotNull(cqe);
                assertEquals(-Errno.ETIME.code(), cqe.res());
                ring.cqeSeen(cqe);
            }
        }
    }

    @Test
    void waitWithTimeoutReturnsNullWhenNothingCompletes() {
        try (IoUring ring = IoUring.open(4)) {
            long start = System.nanoTime();
            assertNull(ring.waitCqe(Duration.ofMillis(100)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 80 && ms < 1000, "waited about 100 ms, was " + ms);
        }
    }

    @Test
    void minTimeoutWaitReturnsEarlyOnceOneCompletionIsThere() {
        try (IoUring ring = IoUring.open(4)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(ring.hasFeature(Feature.MIN_TIMEOUT), "needs FEAT_MIN_TIMEOUT");
            ring.getSqe().prepNop().userData(5);
            ring.submit();
            long start = System.nanoTime();
            // Ask for 4 CQEs within 2 s, but return after 10 ms if at least one is there.
            Cqe cqe = ring.waitCqes(4, Duration.ofSeconds(2), 10_000);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(cqe);
            assertEquals(5, cqe.userData());
            assertTrue(ms < 1000, "min-timeout ended the wait early, took " + ms + " ms");
        }
    }

    @Test
    void registeredRingFdIsUsedForEveryEnter() {
        try (IoUring ring = IoUring.open(8)) {
            int index = ring.registerRingFd();
            assertTrue(index >= 0);
            assertTrue(ring.isRingFdRegistered());
            for (int i = 0; i < 3; i++) {
                ring.getSqe().prepNop().userData(i);
                assertEquals(1, ring.submitAndWait(1));
                Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
                assertEquals(i, cqe.userData());
                ring.cqeSeen(cqe);
            }
            ring.unregisterRingFd();
            assertFalse(ring.isRingFdRegistered());
            ring.getSqe().prepNop();
            assertEquals(1, ring.submitAndWait(1));
        }
    }

    @Test
    void registeredFdOnlyRingWorksWithoutAnFd() {
        try (IoUring ring = IoUring.open(8, SetupFlag.NO_MMAP, SetupFlag.REGISTERED_FD_ONLY)) {
            assertEquals(-1, ring.fd());
            assertTrue(ring.isRingFdRegistered());
            ring.getSqe().prepNop().userData(9);
            assertEquals(1, ring.submitAndWait(1));
            assertEquals(9, ring.waitCqe(Duration.ofSeconds(5)).userData());
            assertNotNull(Probe.of(ring), "register calls go through the registered index");
        }
    }
}
