package io.uring4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.*;

/** CQ mechanics: peeking, batches, overflow, CQE32 words. */
@Timeout(60)
class CompletionTest {

    /** Ten times the CQ size of NOPs in flight: none lost (FEAT_NODROP), all user_data back once. */
    @ParameterizedTest
    @EnumSource(value = RingConfig.class, names = {"DEFAULT", "SINGLE_ISSUER_DEFER_TASKRUN", "COOP_TASKRUN", "CQE32"})
    void overflowLosesNothing(RingConfig config) {
        try (IoUring ring = config.open(64)) {
            assertTrue(ring.hasFeature(Feature.NODROP));
            int cq = ring.cqEntries();
            int total = 10 * cq;
            int sent = 0;
            while (sent < total) {
                Sqe sqe;
                while (sent < total && (sqe = ring.getSqe()) != null) {
                    sqe.prepNop().userData(sent++);
                }
                ring.submit();
            }
            assertTrue(ring.cqHasOverflowPending() || config == RingConfig.SINGLE_ISSUER_DEFER_TASKRUN,
                    "CQ overflowed into the kernel's backlog");
            BitSet seen = new BitSet(total);
            int got = 0;
            while (got < total) {
                assertNotNull(ring.waitCqe(Duration.ofSeconds(5)), "after " + got + " of " + total);
                got += ring.forEachCqe(cqe -> {
                    int id = (int) cqe.userData();
                    assertFalse(seen.get(id), "duplicate " + id);
                    seen.set(id);
                });
            }
            assertEquals(total, seen.cardinality());
            assertEquals(0, ring.cqOverflow(), "nothing dropped");
        }
    }

    @Test
    void cqSizeIsHonouredAndZeroIsRefused() {
        try (IoUring ring = IoUring.open(4, IoUringParams.create().cqEntries(64))) {
            assertEquals(4, ring.sqEntries());
            assertEquals(64, ring.cqEntries());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> IoUringParams.create().cqEntries(0));
        assertTrue(e.getMessage().contains("given 0"), e.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> IoUring.open(64, IoUringParams.create().cqEntries(8)));
        assertTrue(small.getMessage().contains("at least the SQ size 64"), small.getMessage());
    }

    @Test
    void peekBatchThenAdvance() {
        try (IoUring ring = IoUring.open(16)) {
            for (int i = 0; i < 10; i++) ring.getSqe().prepNop().userData(i);
            ring.submitAndWait(10);
            Cqe[] out = new Cqe[4];
            assertEquals(4, ring.peekBatch(out));
            for (int i = 0; i < 4; i++) assertEquals(i, out[i].userData());
            assertEquals(10, ring.cqReady(), "peeking consumes nothing");
            ring.cqAdvance(4);
            assertEquals(6, ring.cqReady());
            assertEquals(4, ring.peekCqe().userData());
            var e = assertThrows(IllegalArgumentException.class, () -> ring.cqAdvance(7));
            assertTrue(e.getMessage().contains("given 7"), e.getMessage());
        }
    }

    @Test
    void forEachConsumesWhatTheHandlerSawEvenWhenItThrows() {
        try (IoUring ring = IoUring.open(8)) {
            for (int i = 0; i < 5; i++) ring.getSqe().prepNop().userData(i);
            ring.submitAndWait(5);
            assertThrows(IllegalStateException.class, () -> ring.forEachCqe(cqe -> {
                if (cqe.userData() == 2) throw new IllegalStateException("stop");
            }));
            assertEquals(2, ring.cqReady(), "CQEs 0..2 consumed, 3 and 4 remain");
            assertEquals(3, ring.peekCqe().userData());
        }
    }

    @Test
    void cqe32RingExposesTheExtraWords() {
        try (IoUring ring = IoUring.open(4, SetupFlag.CQE32)) {
            ring.getSqe().prepNop().userData(3);
            ring.submitAndWait(1);
            Cqe cqe = ring.peekCqe();
            assertEquals(0, cqe.bigCqe(0), "a NOP leaves big_cqe zero");
            assertEquals(0, cqe.bigCqe(1));
            assertThrows(IndexOutOfBoundsException.class, () -> cqe.bigCqe(2));
        }
        try (IoUring ring = IoUring.open(4)) {
            ring.getSqe().prepNop();
            ring.submitAndWait(1);
            assertThrows(IllegalStateException.class, () -> ring.peekCqe().bigCqe(0));
        }
    }

    @Test
    void eventfdDisabledFlagToggles() {
        try (IoUring ring = IoUring.open(4)) {
            assertTrue(ring.isCqEventfdEnabled());
            ring.setCqEventfdEnabled(false);
            assertFalse(ring.isCqEventfdEnabled());
            ring.setCqEventfdEnabled(true);
            assertTrue(ring.isCqEventfdEnabled());
        }
    }
}
