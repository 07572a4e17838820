package io.uring4j.core;

import io.uring4j.core.internal.Native;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Setup, probe, lifecycle and bad arguments, SQPOLL idling and ATTACH_WQ. */
@Timeout(60)
class SetupTest {

    @Test
    void badEntryCountsFailNamingTheValue() {
        var zero = assertThrows(IllegalArgumentException.class, () -> IoUring.open(0));
        assertTrue(zero.getMessage().contains("given 0"), zero.getMessage());
        var big = assertThrows(IllegalArgumentException.class, () -> IoUring.open(65536));
        assertTrue(big.getMessage().contains("at most 32768") && big.getMessage().contains("given 65536"), big.getMessage());
        try (IoUring clamped = IoUring.open(65536, SetupFlag.CLAMP)) {
            assertEquals(32768, clamped.sqEntries(), "CLAMP caps the SQ at the kernel maximum");
        }
    }

    @Test
    void unknownSetupFlagIsRefusedByTheKernelWithEinval() {
        var e = assertThrows(IoUringException.class,
                () -> IoUring.open(4, IoUringParams.create().flagsMask(1 << 30)));
        assertEquals(Errno.EINVAL.code(), e.errno());
        assertEquals("io_uring_setup", e.call());
        assertTrue(e.getMessage().contains("EINVAL") && e.getMessage().contains("0x40000000"), e.getMessage());
    }

    @Test
    void noSqArrayIsTriedByDefaultAndCanBeDisabled() {
        try (IoUring ring = IoUring.open(4)) {
            assertTrue(ring.hasSetupFlag(SetupFlag.NO_SQARRAY), "6.6+ takes NO_SQARRAY");
        }
        try (IoUring ring = IoUring.open(4, IoUringParams.create().tryNoSqArray(false))) {
            assertFalse(ring.hasSetupFlag(SetupFlag.NO_SQARRAY));
        }
    }

    @Test
    void closedRingFailsClearlyAndCloseIsIdempotent() {
        IoUring ring = IoUring.open(4);
        Sqe held = ring.getSqe();
        ring.close();
        ring.close();
        assertTrue(ring.isClosed());
        var e = assertThrows(IllegalStateException.class, ring::getSqe);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, ring::submit);
        assertThrows(IllegalStateException.class, ring::peekCqe);
        assertThrows(IllegalStateException.class, () -> ring.waitCqe(Duration.ofMillis(1)));
        assertThrows(IllegalStateException.class, ring::registration);
        assertThrows(IllegalStateException.class, held::prepNop, "an SQE view of a closed ring throws, never faults");
    }

    @Test
    void closeReleasesTheRingFd() {
        int before = openFds();
        for (int i = 0; i < 50; i++) {
            IoUring.open(8).close();
        }
        assertEquals(before, openFds(), "no fd leaked by 50 open/close cycles");
    }

    private static int openFds() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void enterOnAnFdThatIsNotARingFails() {
        int[] pipe = new int[2];
        assertEquals(0, Posix.pipe(pipe, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.allocateErrnoState(arena);
            int r = Native.ioUringEnter(state, pipe[0], 0, 0, EnterFlag.GETEVENTS.mask(), MemorySegment.NULL, 0, false);
            assertEquals(-Errno.EOPNOTSUPP.code(), r, "io_uring_enter on a pipe");
            r = Native.ioUringEnter(state, 1 << 20, 0, 0, 0, MemorySegment.NULL, 0, false);
            assertEquals(-Errno.EBADF.code(), r, "io_uring_enter on a closed fd number");
        } finally {
            Posix.close(pipe[0]);
            Posix.close(pipe[1]);
        }
    }

    @Test
    void probeKnowsEveryOpcodeThisKernelSupports() {
        Probe probe = Probe.probe();
        assertTrue(probe.lastOp() >= Opcode.READ.code());
        assertTrue(probe.supports(Opcode.NOP));
        assertTrue(probe.supports(Opcode.READ));
        for (Opcode op : Opcode.values()) {
            if (op.code() > probe.lastOp()) assertFalse(probe.supports(op), op + " is past last_op");
        }
        assertEquals(probe.supportedOpcodes().size(), Math.min(probe.supportedCount(), Opcode.count()));
        assertFalse(probe.supports(255));
        assertFalse(probe.supports(-1));
    }

    @Test
    void availabilityIsAnsweredOnce() {
        assertTrue(IoUring.isAvailable(), () -> "io_uring must work on the test machine: " + IoUring.unavailabilityCause());
        assertNull(IoUring.unavailabilityCause());
        IoUring.ensureAvailability();
    }

    /** The SQ thread sleeps after sq_thread_idle, sets NEED_WAKEUP, and a submit wakes it. */
    @Test
    void sqpollThreadSleepsAndWakesOnSubmit() throws InterruptedException {
        try (IoUring ring = IoUring.open(8, IoUringParams.create().flags(SetupFlag.SQPOLL).sqThreadIdle(20))) {
            for (int round = 0; round < 3; round++) {
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!ring.sqNeedsWakeup()) {
                    assertTrue(System.nanoTime() < deadline, "SQ thread went to sleep within 5 s");
                    Thread.sleep(5);
                }
                ring.getSqe().prepNop().userData(round);
                assertEquals(1, ring.submit());
                Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
                assertNotNull(cqe, "the woken SQ thread submitted the NOP");
                assertEquals(round, cqe.userData());
                ring.cqeSeen(cqe);
            }
        }
    }

    /** A second ring shares the first one's SQ thread and workers (ATTACH_WQ). */
    @Test
    void attachWqSharesTheSqThread() {
        try (IoUring first = IoUring.open(8, IoUringParams.create().flags(SetupFlag.SQPOLL));
             IoUring second = IoUring.open(8, IoUringParams.create().flags(SetupFlag.SQPOLL).attachWq(first.fd()))) {
            for (IoUring ring : new IoUring[] {first, second}) {
                ring.getSqe().prepNop().userData(77);
                ring.submit();
                Cqe cqe = ring.waitCqe(Duration.ofSeconds(5));
                assertNotNull(cqe);
                assertEquals(77, cqe.userData());
                ring.cqeSeen(cqe);
            }
        }
    }

    @Test
    void sqringWaitReturnsAtOnceWhileTakenEntriesAreUnsubmitted() {
        try (IoUring ring = IoUring.open(4, SetupFlag.SQPOLL)) {
            for (int i = 0; i < 4; i++) {
                ring.getSqe().prepNop();
            }
            assertNull(ring.getSqe(), "SQ full");
            assertTimeoutPreemptively(Duration.ofSeconds(5), ring::sqringWait,
                    "the kernel sees no full SQ: nothing to wait for");
            assertEquals(4, ring.submit());
        }
    }

    /** Also the kernel's early wake-up: SQ_WAIT can return before the new SQ head is published. */
    @Test
    void sqringWaitAlwaysYieldsAnEntryWithSqpoll() {
        try (IoUring ring = IoUring.open(4, SetupFlag.SQPOLL)) {
            for (int i = 0; i < 400; i++) {
                Sqe sqe = ring.getSqe();
                if (sqe == null) {
                    ring.submit();
                    ring.sqringWait();
                    sqe = ring.getSqe();
                }
                assertNotNull(sqe, "sqringWait freed an entry");
                sqe.prepNop().userData(i);
                ring.submit();
            }
            int got = 0;
            while (got < 400) {
                assertNotNull(ring.waitCqe(Duration.ofSeconds(5)), "after " + got);
                got += ring.forEachCqe(c -> { });
            }
        }
    }
}
