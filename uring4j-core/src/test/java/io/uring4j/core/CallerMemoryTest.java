package io.uring4j.core;

import io.uring4j.core.internal.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Rings in caller memory (NO_MMAP), as liburing's {@code init-mem} test sets them up, and the
 * configuration a user found failing: SQE128 with COOP_TASKRUN, TASKRUN_FLAG, SINGLE_ISSUER and CLAMP.
 */
@Timeout(60)
class CallerMemoryTest {
    private static final long RED = 0x5a5a_5a5a_5a5a_5a5aL;
    private static final long PAGE = Native.pageSize();

    /** The 6 SQ/CQ sizes of liburing's init-mem test. */
    private static final int[][] SIZES = {{1, 2}, {32, 64}, {512, 1024}, {1024, 2048}, {4096, 32768}, {32768, 65536}};
    private static final SetupFlag[][] FLAG_SETS = {{}, {SetupFlag.SQE128}, {SetupFlag.CQE32}, {SetupFlag.SQE128, SetupFlag.CQE32}};

    @Test
    void memoryUsedEqualsMemorySizeFor24ConfigurationsAndRedZonesStayIntact() {
        int configs = 0;
        // One arena for all 24 rings, and mapped memory (see OpTesting.callerRingMemory): the
        // kernel tears a ring down asynchronously and may still store ring words into caller
        // memory just after close() returns (see IoUring#openInMemory).
        try (Arena arena = Arena.ofConfined()) {
        for (int[] size : SIZES) {
            for (SetupFlag[] flags : FLAG_SETS) {
                IoUringParams p = IoUringParams.create().flags(flags).flags(SetupFlag.NO_SQARRAY).cqEntries(size[1]);
                long required = IoUring.memorySize(size[0], p);
                {
                    // One page of red zone before and after the ring memory, page-aligned as required.
                    MemorySegment all = OpTesting.callerRingMemory(arena, required + 2 * PAGE);
                    all.asSlice(0, PAGE).fill((byte) 0x5a);
                    all.asSlice(PAGE + required, PAGE).fill((byte) 0x5a);
                    MemorySegment ringMemory = all.asSlice(PAGE, required);
                    try (IoUring ring = IoUring.openInMemory(size[0], p, ringMemory)) {
                        String what = size[0] + "/" + size[1] + " " + BitFlag.names(SetupFlag.class, p.flagsMask());
                        assertEquals(required, ring.memoryUsed(), what);
                        assertEquals(size[0], ring.sqEntries(), what);
                        assertEquals(size[1], ring.cqEntries(), what);
                        roundTrip(ring, Math.min(ring.sqEntries(), 64), what);
                        assertEquals(RED, all.get(JAVA_LONG, PAGE - 8), "red zone before the ring, " + what);
                        assertEquals(RED, all.get(JAVA_LONG, PAGE + required), "red zone after the ring, " + what);
                        for (long off = 0; off < PAGE; off += 8) {
                            assertEquals(RED, all.get(JAVA_LONG, off), what);
                            assertEquals(RED, all.get(JAVA_LONG, PAGE + required + off), what);
                        }
                    }
                    configs++;
                }
            }
        }
        }
        assertEquals(24, configs);
    }

    /** NOPs with ascending user_data come back complete and in order. */
    private static void roundTrip(IoUring ring, int n, String what) {
        for (int i = 0; i < n; i++) {
            Sqe sqe = ring.getSqe();
            assertNotNull(sqe, what);
            sqe.prepNop().userData(i);
        }
        assertEquals(n, ring.submit(), what);
        for (int i = 0; i < n; i++) {
            Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
            assertNotNull(cqe, what);
            assertEquals(i, cqe.userData(), what);
            assertEquals(0, cqe.res(), what);
            ring.cqeSeen(cqe);
        }
    }

    /**
     * Issue 9: without an explicit NO_SQARRAY, setup still takes it where the kernel has it, so
     * memorySize must not count the SQ index array then (it did: 16 KiB too much at 4096 entries).
     * For the same arguments memorySize equals memoryUsed, and both equal the documented formula.
     */
    @Test
    void memorySizeEqualsMemoryUsedWithTheDefaultNoSqArrayAttempt() {
        int[] entries = {1, 8, 64, 1024, 4096};
        SetupFlag[][] flagSets = {{}, {SetupFlag.SQE128}, {SetupFlag.CQE32}, {SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN}};
        try (Arena arena = Arena.ofConfined()) {
            for (int n : entries) {
                for (SetupFlag[] flags : flagSets) {
                    for (boolean tryNoSqArray : new boolean[] {true, false}) {
                        IoUringParams p = IoUringParams.create().flags(flags).tryNoSqArray(tryNoSqArray);
                        String what = n + " entries, " + java.util.Arrays.toString(flags) + ", tryNoSqArray=" + tryNoSqArray;
                        long size = IoUring.memorySize(n, p);
                        MemorySegment mem = OpTesting.callerRingMemory(arena, size);
                        try (IoUring ring = IoUring.openInMemory(n, p, mem)) {
                            assertEquals(size, ring.memoryUsed(), what);
                            boolean sqArray = !ring.hasSetupFlag(SetupFlag.NO_SQARRAY);
                            assertEquals(!tryNoSqArray || !sqArray, true, what + ": NO_SQARRAY is tried first");
                            long cqeSize = ring.hasSetupFlag(SetupFlag.CQE32) ? 32 : 16;
                            long sqeSize = ring.hasSetupFlag(SetupFlag.SQE128) ? 128 : 64;
                            long rings = 64 + ring.cqEntries() * cqeSize + (sqArray ? 4L * ring.sqEntries() : 0);
                            long formula = roundUpPage(rings) + roundUpPage(ring.sqEntries() * sqeSize);
                            assertEquals(formula, size, what);
                            roundTrip(ring, Math.min(ring.sqEntries(), 8), what);
                        }
                    }
                }
            }
        }
        if (PAGE == 4096) {
            // the figure of the issue: 4096 entries, defaults
            assertEquals(IoUring.memorySize(4096, IoUringParams.create().flags(SetupFlag.NO_SQARRAY)),
                    IoUring.memorySize(4096, IoUringParams.create()));
        }
    }

    private static long roundUpPage(long n) {
        return (n + PAGE - 1) / PAGE * PAGE;
    }

    @Test
    void memorySizeMatchesLiburingWorkedValues() {
        assumePage4k();
        assertEquals(8192, IoUring.memorySize(64));
        IoUringParams big = IoUringParams.create().flags(SetupFlag.NO_SQARRAY).cqEntries(32768);
        assertEquals(790_528, IoUring.memorySize(4096, big));
        assertEquals(1_052_672, IoUring.memorySize(4096, big.copy().flags(SetupFlag.SQE128)));
    }

    /**
     * A user's configuration: SQE128 | COOP_TASKRUN | TASKRUN_FLAG | SINGLE_ISSUER | CLAMP in caller
     * memory; take X SQEs, submit returns X, every CQE is intact.
     */
    @Test
    void sqe128CoopTaskrunSingleIssuerClampInCallerMemory() {
        IoUringParams p = IoUringParams.create().flags(SetupFlag.SQE128, SetupFlag.COOP_TASKRUN,
                SetupFlag.TASKRUN_FLAG, SetupFlag.SINGLE_ISSUER, SetupFlag.CLAMP);
        int entries = 256;
        long required = IoUring.memorySize(entries, p);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = OpTesting.callerRingMemory(arena, required + PAGE);
            mem.asSlice(required, PAGE).fill((byte) 0x5a);
            try (IoUring ring = IoUring.openInMemory(entries, p, mem.asSlice(0, required))) {
                assertTrue(ring.hasSetupFlag(SetupFlag.SQE128));
                for (int round = 0; round < 4; round++) {
                    final int r = round;
                    int x = 0;
                    Sqe sqe;
                    while ((sqe = ring.getSqe()) != null) {
                        assertEquals(128, sqe.byteSize());
                        sqe.prepNop().userData(((long) round << 32) | x);
                        x++;
                    }
                    assertEquals(entries, x, "X SQEs taken");
                    assertEquals(x, ring.submit(), "submit returns exactly X");
                    boolean[] seen = new boolean[x];
                    int got = 0;
                    while (got < x) {
                        assertNotNull(ring.waitCqe(Duration.ofSeconds(5)), "CQE " + got + " of " + x);
                        got += ring.forEachCqe(cqe -> {
                            assertEquals(0, cqe.res());
                            long ud = cqe.userData();
                            assertEquals(r, ud >>> 32, "round in user_data");
                            int i = (int) ud;
                            assertFalse(seen[i], "duplicate CQE " + i);
                            seen[i] = true;
                        });
                    }
                    for (int i = 0; i < x; i++) assertTrue(seen[i], "CQE " + i + " intact");
                }
            }
            for (long off = required; off < required + PAGE; off += 8) {
                assertEquals(RED, mem.get(JAVA_LONG, off), "nothing written after the ring memory");
            }
        }
    }

    @Test
    void tooSmallMemoryFailsNamingRequiredAndGiven() {
        IoUringParams p = IoUringParams.create().flags(SetupFlag.SQE128);
        long required = IoUring.memorySize(256, p);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(required, PAGE);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> IoUring.openInMemory(256, p, mem.asSlice(0, required - PAGE)));
            assertTrue(e.getMessage().contains("required " + required), e.getMessage());
            assertTrue(e.getMessage().contains("given " + (required - PAGE)), e.getMessage());
        }
    }

    @Test
    void unalignedOrDirtyOrHeapMemoryIsRefused() {
        long required = IoUring.memorySize(8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(required + PAGE, PAGE);
            var unaligned = assertThrows(IllegalArgumentException.class,
                    () -> IoUring.openInMemory(8, IoUringParams.create(), mem.asSlice(8, required)));
            assertTrue(unaligned.getMessage().contains("page-aligned"), unaligned.getMessage());
            mem.set(JAVA_LONG, 4096, 1L);
            var dirty = assertThrows(IllegalArgumentException.class,
                    () -> IoUring.openInMemory(8, IoUringParams.create(), mem));
            assertTrue(dirty.getMessage().contains("zeroed"), dirty.getMessage());
        }
        var heap = assertThrows(IllegalArgumentException.class,
                () -> IoUring.openInMemory(8, IoUringParams.create(), MemorySegment.ofArray(new byte[(int) required])));
        assertTrue(heap.getMessage().contains("native"), heap.getMessage());
    }

    @Test
    void ringOwnedNoMmapMemoryWorks() {
        try (IoUring ring = IoUring.open(64, SetupFlag.NO_MMAP)) {
            assertTrue(ring.hasSetupFlag(SetupFlag.NO_MMAP));
            roundTrip(ring, 64, "ring-owned NO_MMAP");
        }
    }

    @Test
    void registeredFdOnlyNeedsNoMmap() {
        var e = assertThrows(IllegalArgumentException.class, () -> IoUring.open(8, SetupFlag.REGISTERED_FD_ONLY));
        assertTrue(e.getMessage().contains("NO_MMAP"), e.getMessage());
    }

    private static void assumePage4k() {
        org.junit.jupiter.api.Assumptions.assumeTrue(PAGE == 4096, "worked values assume 4 KiB pages, page is " + PAGE);
    }
}
