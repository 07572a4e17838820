package io.uring4j.core;

import io.uring4j.core.RegistrationTestSupport.Completion;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static io.uring4j.core.RegistrationTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** IORING_REGISTER_RESIZE_RINGS: requests and completions survive a resize. */
@Timeout(30)
class RegistrationResizeTest {

    private static IoUring deferTaskrunRing(int entries) {
        return IoUring.open(entries, SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN);
    }

    /** How many io_uring regions this process has mapped. */
    private static long ringMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("io_uring")).count();
    }

    /**
     * A ring set up with an SQ index array (no NO_SQARRAY): the kernel does not report where the
     * new rings keep that array (sq_off.array comes back 0) and leaves it zeroed. Core used to
     * write the identity mapping at offset 0, over the heads and tails: a CQE of zeros appeared
     * at once (fuzz finding K3, seed 4515797243137), the SQEs taken before the resize were lost.
     * Core now places the array where the kernel does, after the CQEs, and maps it again.
     */
    @Test
    void aRingWithAnSqArrayKeepsItsSqesAcrossAResize() {
        for (int newEntries : new int[] {16, 64, 128}) {
            IoUringParams params = IoUringParams.create().flags(SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN).tryNoSqArray(false);
            try (IoUring ring = IoUring.open(64, params)) {
                assertEquals(0, ring.setupFlags() & SetupFlag.NO_SQARRAY.mask(), "the ring has an SQ array");
                ring.getSqe().prepNop().userData(1);
                assertEquals(1, ring.submit());
                for (int i = 2; i <= 4; i++) ring.getSqe().prepNop().userData(i); // taken, not submitted

                ring.registration().resizeRings(newEntries, IoUringParams.create().cqEntries(512));

                assertEquals(1, ring.cqReady(), "only the first NOP's CQE is there (entries " + newEntries + ")");
                assertEquals(3, ring.sqReady());
                assertEquals(3, ring.submit());
                Set<Long> seen = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    Cqe c = ring.waitCqe(Duration.ofSeconds(5));
                    assertNotNull(c, "CQE " + i + " of 4 (entries " + newEntries + ")");
                    assertEquals(0, c.res());
                    seen.add(c.userData());
                    ring.cqeSeen(c);
                }
                assertEquals(Set.of(1L, 2L, 3L, 4L), seen, "every NOP completed once with its own user_data");
                assertNull(ring.peekCqe());
            }
        }
    }

    @Test
    void resizeKeepsEverythingInFlight() throws IOException {
        int[] p = new int[2];
        assertEquals(0, Posix.pipe(p, FsOps.O_CLOEXEC));
        try (Arena arena = Arena.ofConfined(); IoUring ring = deferTaskrunRing(64)) {
            assertEquals(64, ring.sqEntries());
            assertEquals(128, ring.cqEntries());
            MemorySegment buf = arena.allocate(16);
            ring.getSqe().prepRead(p[0], buf, -1).userData(1000); // parked until data arrives
            for (int i = 0; i < 10; i++) ring.getSqe().prepNop().userData(i);
            assertEquals(11, ring.submit());
            for (int i = 10; i < 15; i++) ring.getSqe().prepNop().userData(i); // taken, not submitted
            Cqe before = ring.waitCqe(Duration.ofSeconds(5));
            assertNotNull(before);
            assertEquals(0, before.userData());
            long mapped = ringMappings();

            ring.registration().resizeRings(128, IoUringParams.create().cqEntries(256));

            assertEquals(128, ring.sqEntries());
            assertEquals(256, ring.cqEntries());
            assertEquals(mapped, ringMappings(), "the old regions are unmapped, the new ones mapped");
            assertThrows(IllegalStateException.class, before::userData, "views of the old rings are dead");
            assertEquals(5, ring.sqReady(), "the taken SQEs moved to the new SQ");
            for (int i = 15; i < 20; i++) ring.getSqe().prepNop().userData(i);
            assertEquals(10, ring.submit());
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                Completion c = next(ring);
                assertEquals(0, c.res());
                assertTrue(seen.add(c.userData()), "no CQE twice: " + c.userData());
            }
            assertEquals(20, seen.size(), "CQEs from before and after the resize: " + seen);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment data = a.allocate(5);
                fill(data, "hello");
                assertEquals(5, Posix.write(p[1], data, 5));
            }
            Completion read = next(ring);
            assertEquals(1000, read.userData());
            assertEquals(5, read.res());
            assertEquals("hello", string(buf, 5));
        } finally {
            closeAll(p);
        }
    }

    @Test
    void resizeToTheSameSizeAndBackDown() throws IOException {
        long baseline = ringMappings();
        try (IoUring ring = deferTaskrunRing(64)) {
            long mapped = ringMappings();
            assertTrue(mapped > baseline, "a ring maps regions");
            for (int round = 0; round < 3; round++) {
                ring.registration().resizeRings(64, IoUringParams.create());
                assertEquals(64, ring.sqEntries());
                assertEquals(128, ring.cqEntries());
                ring.getSqe().prepNop().userData(round);
                assertEquals(round, submitOne(ring).userData());
            }
            ring.registration().resizeRings(8, IoUringParams.create());
            assertEquals(8, ring.sqEntries());
            assertEquals(16, ring.cqEntries());
            for (int i = 0; i < 8; i++) {
                Sqe sqe = ring.getSqe();
                assertNotNull(sqe, "SQE " + i);
                sqe.prepNop().userData(i);
            }
            assertNull(ring.getSqe(), "the SQ holds 8 now");
            assertEquals(8, ring.submitAndWait(8));
            assertEquals(8, ring.forEachCqe(cqe -> assertEquals(0, cqe.res())));
            assertEquals(mapped, ringMappings(), "each resize unmapped what it replaced");
        }
        assertEquals(baseline, ringMappings(), "closing a resized ring leaves nothing mapped");
    }

    @Test
    void tooManyPendingCompletionsForTheNewCqIsEoverflow() {
        try (IoUring ring = deferTaskrunRing(16)) {
            for (int i = 0; i < 16; i++) ring.getSqe().prepNop().userData(i);
            assertEquals(16, ring.submitAndWait(16));
            IoUringException e = assertThrows(IoUringException.class,
                    () -> ring.registration().resizeRings(4, IoUringParams.create()));
            assertEquals(Errno.EOVERFLOW, e.errnoConstant());
            assertTrue(e.getMessage().contains("IORING_REGISTER_RESIZE_RINGS"), e.getMessage());
            assertEquals(16, ring.cqReady(), "a failed resize leaves the rings as they were");
            assertEquals(16, ring.forEachCqe(cqe -> { }));
        }
    }

    @Test
    void refusals() {
        try (IoUring plain = IoUring.open(8)) {
            IoUringException e = assertThrows(IoUringException.class, () -> plain.registration().resizeRings(16, IoUringParams.create()));
            assertEquals(Errno.EINVAL, e.errnoConstant());
            assertTrue(e.getMessage().contains("DEFER_TASKRUN"), e.getMessage());
            plain.getSqe().prepNop().userData(5);
            assertEquals(5, submitOne(plain).userData(), "the ring still works");
        }
        try (IoUring ring = deferTaskrunRing(8)) {
            Registration reg = ring.registration();
            IllegalArgumentException flags = assertThrows(IllegalArgumentException.class,
                    () -> reg.resizeRings(16, IoUringParams.create().flags(SetupFlag.SQE128)));
            assertTrue(flags.getMessage().contains("SQE128"), flags.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reg.resizeRings(0, IoUringParams.create()));
            assertThrows(IllegalArgumentException.class, () -> reg.resizeRings(65536, IoUringParams.create()));
            assertThrows(IllegalArgumentException.class, () -> reg.resizeRings(16, IoUringParams.create().cqEntries(8)));
            reg.resizeRings(65536, IoUringParams.create().flags(SetupFlag.CLAMP));
            assertEquals(32768, ring.sqEntries());
            assertEquals(65536, ring.cqEntries());
        }
        try (IoUring noMmap = IoUring.open(8, SetupFlag.NO_MMAP, SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN)) {
            assertThrows(UnsupportedOperationException.class, () -> noMmap.registration().resizeRings(16, IoUringParams.create()));
        }
    }
}
