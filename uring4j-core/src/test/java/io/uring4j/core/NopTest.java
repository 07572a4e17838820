package io.uring4j.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** NOP round trips over every ring configuration, inline and with IOSQE_ASYNC. */
@Timeout(30)
class NopTest {

    @ParameterizedTest
    @EnumSource(RingConfig.class)
    void nopRoundTripsUserDataInOrder(RingConfig config) {
        for (boolean async : new boolean[] {false, true}) {
            try (IoUring ring = config.open(16)) {
                for (int i = 0; i < 8; i++) {
                    Sqe sqe = ring.getSqe().prepNop().userData(1000 + i);
                    if (async) sqe.flag(SqeFlag.ASYNC);
                }
                assertEquals(8, ring.submit(), config + " async=" + async);
                for (int i = 0; i < 8; i++) {
                    Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
                    assertNotNull(cqe, "CQE " + i + " within 5 s");
                    assertEquals(0, cqe.res());
                    if (!async) assertEquals(1000 + i, cqe.userData(), "inline NOPs complete in order");
                    ring.cqeSeen(cqe);
                }
                assertEquals(0, ring.cqReady());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RingConfig.class)
    void injectedResultIsReported(RingConfig config) {
        try (IoUring ring = config.open(4)) {
            ring.getSqe().prepNop(-22).userData(7);
            ring.getSqe().prepNop(12345).userData(8).flag(SqeFlag.ASYNC);
            assertEquals(2, ring.submitAndWait(2));
            int[] seen = new int[2];
            int n = ring.forEachCqe(cqe -> seen[(int) cqe.userData() - 7] = cqe.res());
            assertEquals(2, n);
            assertArrayEquals(new int[] {-22, 12345}, seen);
        }
    }

    @Test
    void sqeIsZeroedWhenHandedOut() {
        try (IoUring ring = IoUring.open(2)) {
            for (int round = 0; round < 3; round++) {
                Sqe sqe = ring.getSqe();
                assertEquals(0, sqe.opcode());
                assertEquals(0, sqe.flagsMask());
                assertEquals(0, sqe.userData());
                assertEquals(0, sqe.getOpFlags());
                sqe.prepNop().userData(-1).flag(SqeFlag.IO_DRAIN).opFlags(0);
                ring.submitAndWait(1);
                ring.cqAdvance(ring.cqReady());
            }
        }
    }
}
