package io.uring4j.core;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Slot reuse on the submission side, seen in raw ring memory: a caller-memory (NO_MMAP) ring
 * keeps its SQE array at offset 0 of the caller's segment, so the test can dirty every byte of
 * every slot and check that {@link IoUring#getSqe()} hands each one out fully zeroed (all 64 or
 * 128 bytes), and that a full SQ is reported as full and becomes usable again once the kernel
 * has consumed it (the cached SQ head is refreshed).
 */
@Timeout(30)
class SqeReuseTest {
    private static final int ENTRIES = 4;
    private static final byte DIRT = (byte) 0xA5;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everySlotIsHandedOutZeroedAfterWrapAround(boolean sqe128) {
        IoUringParams params = IoUringParams.create();
        if (sqe128) params.flags(SetupFlag.SQE128);
        int sqeSize = sqe128 ? 128 : 64;
        long size = IoUring.memorySize(ENTRIES, params);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = OpTesting.callerRingMemory(arena, size);
            try (IoUring ring = IoUring.openInMemory(ENTRIES, params, memory)) {
                assertEquals(ENTRIES, ring.sqEntries());
                MemorySegment sqes = memory.asSlice(0, (long) ENTRIES * sqeSize);
                for (int round = 0; round < 3; round++) {
                    sqes.fill(DIRT); // stale contents in every slot, as after earlier requests
                    for (int i = 0; i < ENTRIES; i++) {
                        Sqe sqe = ring.getSqe();
                        assertNotNull(sqe, "round " + round + " entry " + i);
                        assertEquals(sqeSize, sqe.byteSize());
                        MemorySegment slot = sqes.asSlice((long) i * sqeSize, sqeSize);
                        for (long b = 0; b < sqeSize; b++) {
                            assertEquals(0, slot.get(JAVA_BYTE, b),
                                    "round " + round + ", slot " + i + ": byte " + b + " of " + sqeSize + " not zeroed");
                        }
                        sqe.prepNop().userData(100L * round + i);
                    }
                    assertNull(ring.getSqe(), "an SQ of " + ENTRIES + " is full after " + ENTRIES + " getSqe");
                    assertEquals(ENTRIES, ring.submitAndWait(ENTRIES));
                    long[] sum = new long[1];
                    assertEquals(ENTRIES, ring.forEachCqe(cqe -> {
                        assertEquals(0, cqe.res(), cqe.toString());
                        sum[0] += cqe.userData();
                    }));
                    assertEquals(ENTRIES * 100L * round + 6, sum[0], "the user_data of this round's NOPs");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fullQueueFreesUpAfterSubmit(boolean async) {
        try (IoUring ring = IoUring.open(ENTRIES)) {
            for (int round = 0; round < 5; round++) {
                int taken = 0;
                Sqe sqe;
                while ((sqe = ring.getSqe()) != null) {
                    sqe.prepNop().userData(taken);
                    if (async) sqe.flag(SqeFlag.ASYNC);
                    taken++;
                }
                assertEquals(ENTRIES, taken, "round " + round + ": entries handed out before the SQ is full");
                assertEquals(0, ring.sqSpaceLeft());
                assertEquals(ENTRIES, ring.submit());
                for (int i = 0; i < ENTRIES; i++) {
                    Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
                    assertNotNull(cqe, "CQE " + i + " within 5 s");
                    ring.cqeSeen(cqe);
                }
                assertEquals(ENTRIES, ring.sqSpaceLeft(), "after the kernel consumed the SQ");
            }
        }
    }
}
