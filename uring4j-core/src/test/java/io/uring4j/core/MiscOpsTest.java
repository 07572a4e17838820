package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.OpTesting.Fd;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.uring4j.core.OpTesting.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** NOP, NOP128, FILES_UPDATE, the futex ops, WAITID, FIXED_FD_INSTALL and PIPE. */
@Timeout(30)
class MiscOpsTest {

    @TempDir
    Path dir;

    private static final byte[] CONTENT = "misc".getBytes(StandardCharsets.US_ASCII);
    private static final int U32_PRIVATE = MiscOps.FUTEX2_SIZE_U32 | MiscOps.FUTEX2_PRIVATE;

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.NOP)
    void nopCompletesWithZeroOrTheInjectedResult(boolean async) {
        try (IoUring ring = IoUring.open(8)) {
            maybeAsync(ring.getSqe().prepNop().userData(5), async);
            assertEquals(5, expect(ring, 0).userData());
            maybeAsync(ring.getSqe().prepNop(-Errno.EIO.code()).userData(6), async);
            expect(ring, -Errno.EIO.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.NOP128)
    void nop128OnA128ByteRing(boolean async) {
        requires(Opcode.NOP128);
        try (IoUring ring = IoUring.open(8, SetupFlag.SQE128)) {
            maybeAsync(ring.getSqe().prepNop128().userData(7), async);
            expect(ring, 0);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FILES_UPDATE)
    void filesUpdateFillsRegisteredSlots(boolean async) throws IOException {
        Path f = Files.write(dir.resolve("f"), CONTENT);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Fd fd = Fd.open(f, FsOps.O_RDONLY)) {
            registerFiles(ring, -1, -1, -1);
            maybeAsync(ring.getSqe().prepFilesUpdate(arena.allocateFrom(JAVA_INT, fd.fd()), 1, 2).userData(1), async);
            expect(ring, 1);
            MemorySegment buf = arena.allocate(16);
            ring.getSqe().prepRead(0, buf, CONTENT.length, 0).fixedFile(2);
            expect(ring, CONTENT.length);
            assertArrayEquals(CONTENT, bytes(buf.asSlice(0, CONTENT.length)));

            MemorySegment fds = arena.allocateFrom(JAVA_INT, fd.fd());
            maybeAsync(ring.getSqe().prepFilesUpdateAlloc(fds, 1).userData(2), async);
            expect(ring, 1);
            int slot = fds.getAtIndex(JAVA_INT, 0);
            assertTrue(slot == 0 || slot == 1, "the kernel wrote the slot it picked, got " + slot);
            ring.getSqe().prepRead(0, buf, CONTENT.length, 0).fixedFile(slot);
            expect(ring, CONTENT.length);

            // -1 empties a slot again
            maybeAsync(ring.getSqe().prepFilesUpdate(arena.allocateFrom(JAVA_INT, -1), 1, 2).userData(3), async);
            expect(ring, 1);
            ring.getSqe().prepRead(0, buf, 1, 0).fixedFile(2);
            expect(ring, -Errno.EBADF.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.FUTEX_WAIT, Opcode.FUTEX_WAKE})
    void futexWakeReleasesAWaiter(boolean async) {
        requires(Opcode.FUTEX_WAIT);
        requires(Opcode.FUTEX_WAKE);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(JAVA_INT);
            maybeAsync(ring.getSqe().prepFutexWait(word, 0, MiscOps.FUTEX_BITSET_MATCH_ANY, U32_PRIVATE, 0).userData(1), async);
            assertEquals(1, ring.submit());
            assertNoCqe(ring, Duration.ofMillis(30));
            Completion waiter = wakeOne(ring, word, async)[1];
            assertEquals(1, waiter.userData());
            assertEquals(0, waiter.res(), "the wait completes with 0");

            // the word no longer holds the expected value: the wait fails at once, as futex(2)
            word.set(JAVA_INT, 0, 5);
            maybeAsync(ring.getSqe().prepFutexWait(word, 0, MiscOps.FUTEX_BITSET_MATCH_ANY, U32_PRIVATE, 0).userData(3), async);
            expect(ring, -Errno.EAGAIN.code());
            maybeAsync(ring.getSqe().prepFutexWake(word, 1, MiscOps.FUTEX_BITSET_MATCH_ANY, U32_PRIVATE, 0).userData(4), async);
            expect(ring, 0); // nobody waiting
        }
    }

    /**
     * Wakes one waiter on {@code word}, retrying while nobody is waiting yet (a forced-async wait
     * is armed by an io-wq worker at a moment the test cannot observe), and returns the wake's
     * CQE (user_data 2) and the waiter's (user_data 1), which may arrive in either order.
     */
    private static Completion[] wakeOne(IoUring ring, MemorySegment word, boolean async) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Completion wake, waiter = null;
        do {
            maybeAsync(ring.getSqe().prepFutexWake(word, 1, MiscOps.FUTEX_BITSET_MATCH_ANY, U32_PRIVATE, 0)
                    .userData(2), async);
            ring.submit();
            wake = null;
            while (wake == null) {
                Completion c = await(ring);
                if (c.userData() == 2) wake = c;
                else waiter = c;
            }
            if (wake.res() == 0 && waiter == null) assertNoCqe(ring, Duration.ofMillis(10));
        } while (wake.res() == 0 && waiter == null && System.nanoTime() < deadline);
        assertEquals(1, wake.res(), "one waiter woken");
        return new Completion[] {wake, waiter != null ? waiter : await(ring)};
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FUTEX_WAITV)
    void futexWaitvReportsWhichFutexWoke(boolean async) {
        requires(Opcode.FUTEX_WAITV);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(JAVA_INT), b = arena.allocate(JAVA_INT);
            MemorySegment v = FutexWaitv.allocate(arena, 2);
            FutexWaitv.set(v, 0, a, 0, U32_PRIVATE);
            FutexWaitv.set(v, 1, b, 0, U32_PRIVATE);
            maybeAsync(ring.getSqe().prepFutexWaitv(v, 2, 0).userData(1), async);
            assertEquals(1, ring.submit());
            assertNoCqe(ring, Duration.ofMillis(30));
            Completion wait = wakeOne(ring, b, false)[1];
            assertEquals(1, wait.userData());
            assertEquals(1, wait.res(), "index of the futex that woke");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.WAITID)
    void waitidReportsTheChildsExit(boolean async) {
        requires(Opcode.WAITID);
        int pid = Posix.spawn("/bin/sh", "-c", "exit 3");
        assertTrue(pid > 0, "spawn: " + Errno.describe(pid));
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            MemorySegment info = Siginfo.allocate(arena);
            maybeAsync(ring.getSqe().prepWaitid(MiscOps.P_PID, pid, info, MiscOps.WEXITED, 0).userData(1), async);
            expect(ring, 0);
            assertEquals(pid, Siginfo.pid(info));
            assertEquals(Siginfo.CLD_EXITED, Siginfo.code(info));
            assertEquals(3, Siginfo.status(info));
            assertEquals(17, Siginfo.signo(info), "SIGCHLD");
            // reaped: a second wait finds no such child, as waitid(2)
            maybeAsync(ring.getSqe().prepWaitid(MiscOps.P_PID, pid, MemorySegment.NULL, MiscOps.WEXITED, 0).userData(2), async);
            expect(ring, -Errno.ECHILD.code());
        } finally {
            Posix.waitpid(pid, MiscOps.WNOHANG); // reap if a failed assertion left it behind
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.FIXED_FD_INSTALL)
    void fixedFdInstallTurnsASlotIntoAnFd(boolean async) throws IOException {
        requires(Opcode.FIXED_FD_INSTALL);
        Path f = Files.write(dir.resolve("g"), CONTENT);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            try (Fd fd = Fd.open(f, FsOps.O_RDONLY)) {
                registerFiles(ring, -1, fd.fd());
            } // only the registered slot refers to the file now
            Sqe sqe = maybeAsync(ring.getSqe().prepFixedFdInstall(1, 0).userData(1), async);
            assertTrue(SqeFlag.FIXED_FILE.isSet(sqe.flagsMask()));
            int installed = submitOne(ring).res();
            assertTrue(installed >= 0, Errno.describe(installed));
            try (Fd fd = new Fd(installed)) {
                MemorySegment buf = arena.allocate(16);
                assertEquals(CONTENT.length, Posix.pread(fd.fd(), buf, 16, 0));
                assertArrayEquals(CONTENT, bytes(buf.asSlice(0, CONTENT.length)));
            }
            maybeAsync(ring.getSqe().prepFixedFdInstall(0, 0).userData(2), async);
            expect(ring, -Errno.EBADF.code()); // empty slot
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.PIPE)
    void pipeCreatesAWorkingPipe(boolean async) {
        requires(Opcode.PIPE);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            maybeAsync(ring.getSqe().prepPipe(fds, FsOps.O_CLOEXEC).userData(1), async);
            expect(ring, 0);
            try (Fd r = new Fd(fds.getAtIndex(JAVA_INT, 0)); Fd w = new Fd(fds.getAtIndex(JAVA_INT, 1))) {
                assertEquals(CONTENT.length, Posix.write(w.fd(), segmentOf(arena, CONTENT), CONTENT.length));
                MemorySegment buf = arena.allocate(16);
                assertEquals(CONTENT.length, Posix.read(r.fd(), buf, 16));
                assertArrayEquals(CONTENT, bytes(buf.asSlice(0, CONTENT.length)));
            }
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.PIPE)
    void pipeDirectCreatesRegisteredEnds(boolean async) {
        requires(Opcode.PIPE);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            registerFiles(ring, -1, -1, -1, -1, -1, -1);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            maybeAsync(ring.getSqe().prepPipeDirect(fds, 0, 1).userData(1), async);
            expect(ring, 0);
            assertEquals(1, fds.getAtIndex(JAVA_INT, 0));
            assertEquals(2, fds.getAtIndex(JAVA_INT, 1));
            ring.getSqe().prepWrite(2, segmentOf(arena, CONTENT), 0).fixedFile(2);
            expect(ring, CONTENT.length);
            MemorySegment buf = arena.allocate(16);
            ring.getSqe().prepRead(1, buf, 16, 0).fixedFile(1);
            expect(ring, CONTENT.length);
            assertArrayEquals(CONTENT, bytes(buf.asSlice(0, CONTENT.length)));

            maybeAsync(ring.getSqe().prepPipeDirectAlloc(fds, 0).userData(2), async);
            expect(ring, 0);
            int r = fds.getAtIndex(JAVA_INT, 0), w = fds.getAtIndex(JAVA_INT, 1);
            assertTrue(r != w && r >= 0 && w >= 0 && r != 1 && r != 2 && w != 1 && w != 2, "two free slots: " + r + ", " + w);
        }
    }

    @Test
    void argumentChecks() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            MemorySegment two = arena.allocate(JAVA_INT, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sqe.prepFilesUpdate(two, 3, 0));
            assertTrue(e.getMessage().contains("12") && e.getMessage().contains("8"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepFilesUpdate(two, 1, -1));
            // a 64-bit futex needs 8 bytes
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepFutexWait(arena.allocate(JAVA_INT), 0, -1, MiscOps.FUTEX2_SIZE_U64, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepPipe(arena.allocate(JAVA_INT), 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepWaitid(MiscOps.P_PID, 1, arena.allocate(64), 0, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepFixedFdInstall(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepFutexWaitv(FutexWaitv.allocate(arena, 1), 2, 0));
            assertEquals(24, FutexWaitv.BYTES);
            assertEquals(128, Siginfo.BYTES);
            assertEquals(256, Statx.BYTES);
            assertEquals(24, OpenHow.BYTES);
            assertEquals(16, Iovecs.BYTES);
        }
    }
}
