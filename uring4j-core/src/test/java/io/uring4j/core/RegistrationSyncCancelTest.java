package io.uring4j.core;

import io.uring4j.core.RegistrationTestSupport.Completion;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static io.uring4j.core.RegistrationTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** IORING_REGISTER_SYNC_CANCEL against reads parked on an empty pipe. */
@Timeout(30)
class RegistrationSyncCancelTest {

    private static int[] pipe() {
        int[] fds = new int[2];
        assertEquals(0, Posix.pipe(fds, FsOps.O_CLOEXEC));
        return fds;
    }

    private static void parkRead(IoUring ring, int fd, MemorySegment buf, long userData, boolean async) {
        Sqe sqe = ring.getSqe().prepRead(fd, buf, -1).userData(userData);
        if (async) sqe.flag(SqeFlag.ASYNC);
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void readOnEmptyPipeIsCancelledSynchronously(boolean async) {
        int[] p = pipe();
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            parkRead(ring, p[0], arena.allocate(16), 42, async);
            assertEquals(1, ring.submit());
            assertNull(ring.waitCqe(Duration.ofMillis(50)), "the read waits for data");
            assertEquals(1, ring.registration().syncCancel(42, 0, Duration.ofSeconds(5)));
            Completion c = next(ring);
            assertEquals(42, c.userData());
            assertEquals(-Errno.ECANCELED.code(), c.res());
            assertEquals(0, ring.registration().syncCancel(42, 0, Duration.ofSeconds(1)), "nothing left: ENOENT reads as 0");
        } finally {
            closeAll(p);
        }
    }

    @Test
    void allCancelsEveryMatchAndCounts() {
        int[] p = pipe();
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            for (int i = 0; i < 3; i++) parkRead(ring, p[0], arena.allocate(16), 7, false);
            parkRead(ring, p[0], arena.allocate(16), 8, false);
            assertEquals(4, ring.submit());
            assertEquals(3, ring.registration().syncCancel(7, CancelFlags.ALL, Registration.NO_TIMEOUT));
            for (int i = 0; i < 3; i++) {
                Completion c = next(ring);
                assertEquals(7, c.userData());
                assertEquals(-Errno.ECANCELED.code(), c.res());
            }
            assertNull(ring.waitCqe(Duration.ofMillis(20)), "user_data 8 is still waiting");
            assertEquals(0, ring.registration().syncCancel(7, CancelFlags.ALL, Duration.ofSeconds(1)));
            assertEquals(1, ring.registration().syncCancelFd(p[0], 0, Duration.ofSeconds(1)));
            assertEquals(8, next(ring).userData());
        } finally {
            closeAll(p);
        }
    }

    @Test
    void anyAndOpMatchOtherKeys() {
        int[] p = pipe();
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            parkRead(ring, p[0], arena.allocate(16), 1, false);
            parkRead(ring, p[0], arena.allocate(16), 2, true);
            assertEquals(2, ring.submit());
            assertEquals(0, ring.registration().syncCancel(0, -1, Opcode.WRITE, CancelFlags.OP | CancelFlags.ALL, Duration.ofSeconds(1)),
                    "no WRITE in flight");
            assertEquals(1, ring.registration().syncCancel(0, -1, Opcode.READ, CancelFlags.OP, Duration.ofSeconds(5)));
            Set<Long> seen = new HashSet<>(Set.of(next(ring).userData()));
            assertEquals(1, ring.registration().syncCancel(0, CancelFlags.ANY, Duration.ofSeconds(5)));
            seen.add(next(ring).userData());
            assertEquals(Set.of(1L, 2L), seen);
        } finally {
            closeAll(p);
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeTheKernel() {
        try (IoUring ring = IoUring.open(4)) {
            Registration reg = ring.registration();
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> reg.syncCancel(1, 1 << 9, Duration.ZERO));
            assertTrue(unknown.getMessage().contains("0x200"), unknown.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reg.syncCancel(1, CancelFlags.FD, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> reg.syncCancel(1, 0, Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> reg.syncCancel(1, -1, null, CancelFlags.OP, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> reg.syncCancelFd(-1, 0, Duration.ZERO));
            assertThrows(NullPointerException.class, () -> reg.syncCancel(1, 0, null));
            assertEquals("ALL|FD_FIXED", CancelFlags.names(CancelFlags.ALL | CancelFlags.FD_FIXED));
        }
    }
}
