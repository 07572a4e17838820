package io.uring4j.core;

import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Regression tests for what the core fuzzer found ({@link KnownFindings}), each reduced to the
 * few calls that show it. A test is disabled while its finding is open; the fix enables it and
 * removes the finding's entry, so the fuzzer treats it as a violation again. F1, F2 and F3 are
 * fixed; the madvise test below came from reading the code the fuzzer covers.
 */
class FuzzFindingsTest {

    /**
     * F1: the IoUring javadoc promises that after close "SQE/CQE views throw on access"; for a ring
     * in caller memory ({@code openInMemory}) a stale SQE view still writes into that memory and a
     * CQE view still reads it. (Harmless to the JVM, the memory is the caller's, but the kernel may
     * still read SQEs there until its teardown ends.) Fix: bind the caller's segment to the ring's
     * arena ({@code memory.reinterpret(arena, null)}) for the views.
     */
    @Test
    void staleViewsOfACallerMemoryRingThrowAfterClose() {
        IoUringParams params = IoUringParams.create();
        long size = IoUring.memorySize(4, params.copy().flags(SetupFlag.NO_MMAP));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(size, 4096);
            Sqe sqe;
            try (IoUring ring = IoUring.openInMemory(4, params, memory)) {
                sqe = ring.getSqe();
            }
            assertThrows(IllegalStateException.class, sqe::prepNop);
        }
    }

    /**
     * F2: every prep helper takes the address of a segment whose arena is already closed (only
     * heap segments are refused), so the kernel reads or writes freed memory: a READ into it can
     * corrupt the malloc heap. Fix: {@code Sqe.address} (and the struct/length checks) refuse a
     * segment whose {@code scope().isAlive()} is false, with IllegalStateException or
     * IllegalArgumentException naming it.
     */
    @Test
    void aSegmentOfAClosedArenaIsRefused() {
        Arena arena = Arena.ofConfined();
        MemorySegment buf = arena.allocate(64);
        arena.close();
        try (IoUring ring = IoUring.open(4)) {
            Sqe sqe = ring.getSqe();
            RuntimeException e = assertThrows(RuntimeException.class, () -> sqe.prepRead(0, buf, 0));
            if (!(e instanceof IllegalStateException || e instanceof IllegalArgumentException)) throw e;
            sqe.prepNop(); // whatever the outcome, the kernel never sees the freed address
            ring.submit();
        }
    }

    /**
     * F3: a read-only segment is accepted as the destination of a READ and the kernel writes
     * into it (the runtime refuses read-only ByteBuffers; core does not). Fix: helpers whose
     * buffers the kernel writes (read, readv's iovecs targets, recv, recvmsg, statx, getxattr,
     * accept's address, ...) refuse {@code isReadOnly()} segments with IllegalArgumentException.
     */
    @Test
    @Timeout(10)
    void aReadIntoAReadOnlySegmentIsRefused(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("f"), "written by the kernel".getBytes());
        int fd = Posix.open(file.toString(), Posix.O_RDONLY, 0);
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            MemorySegment view = arena.allocate(16).asReadOnly();
            byte[] before = view.toArray(JAVA_BYTE);
            Sqe sqe = ring.getSqe();
            try {
                sqe.prepRead(fd, view, 0);
            } catch (IllegalArgumentException refused) {
                sqe.prepNop();
                ring.submit();
                return; // fixed
            }
            ring.submitAndWait(1, Duration.ofSeconds(5));
            assertArrayEquals(before, view.toArray(JAVA_BYTE), "the kernel wrote into a read-only segment");
        } finally {
            Posix.close(fd);
        }
    }

    /** Advice that poisons or guards pages (MADV_HWPOISON 100 .. MADV_GUARD_REMOVE 103) would make the next access fault. */
    @Test
    void adviceThatMakesPagesFaultIsRefused() {
        try (IoUring ring = IoUring.open(16); Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096, 4096);
            for (int advice : new int[] {100, 101, 102, 103, -1, 26}) {
                Sqe sqe = ring.getSqe();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sqe.prepMadvise(page, 4096, advice));
                org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("given " + advice), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> sqe.prepMadvise64(page, 4096, advice));
                sqe.prepNop();
            }
            ring.getSqe().prepMadvise(page, 4096, SyncOps.MADV_WILLNEED); // accessible advice still goes
            ring.submit();
        }
    }

    /**
     * K3, fixed: seed 4515797243137 of the seeded run. A 64-entry CQSIZE|CLAMP|SINGLE_ISSUER|
     * DEFER_TASKRUN ring with an SQ index array, two SQEs taken and not submitted, then a ring
     * resize. The kernel's resize hands back sq_off.array = 0 and a zeroed index array; core wrote
     * its identity index map at offset 0 of the new ring memory, over the SQ and CQ heads and
     * tails, so a CQE with user_data 0 appeared and SQEs were lost. Core now places the array
     * where the kernel's size rule puts it (after the CQEs, 64-byte aligned).
     */
    @Test
    void seedOfTheStrayCqeAfterAResize() {
        CoreFuzzer.run(FuzzInput.seeded(4515797243137L, 400));
    }
}
