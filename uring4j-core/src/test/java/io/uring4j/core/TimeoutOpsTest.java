package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.OpTesting.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.uring4j.core.OpTesting.*;
import static org.junit.jupiter.api.Assertions.*;

/** TIMEOUT, TIMEOUT_REMOVE (remove and update) and LINK_TIMEOUT (with update). */
@Timeout(30)
class TimeoutOpsTest {

    static Map<Long, Completion> byUserData(List<Completion> cs) {
        Map<Long, Completion> m = new HashMap<>();
        for (Completion c : cs) assertNull(m.put(c.userData(), c), "one CQE per request: " + cs);
        return m;
    }

    /** A read cancelled while blocked in an io-wq worker reports -EINTR instead of -ECANCELED. */
    static void assertCancelled(Completion c) {
        assertTrue(c.res() == -Errno.ECANCELED.code() || c.res() == -Errno.EINTR.code(), "cancelled: " + c);
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.TIMEOUT)
    void timeoutExpiresOrCompletesByCount(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            long start = System.nanoTime();
            maybeAsync(ring.getSqe().prepTimeout(KernelTimespec.allocate(arena, Duration.ofMillis(50)), 0, 0).userData(1), async);
            expect(ring, -Errno.ETIME.code());
            assertTrue(System.nanoTime() - start >= 40_000_000L, "fired after about 50 ms");

            // the count is of completions after the timeout is armed; a forced-async timeout is
            // armed by a worker at a moment the test cannot observe, so this half runs inline only
            ring.getSqe().prepTimeout(KernelTimespec.allocate(arena, Duration.ofSeconds(10)), 1, 0).userData(2);
            assertEquals(1, ring.submit());
            ring.getSqe().prepNop().userData(3);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(2L).res(), "count reached: the timeout completes with 0");
            assertEquals(0, m.get(3L).res());
        }
    }

    /** IORING_TIMEOUT_MULTISHOT (6.4): fires {@code count} times, F_MORE on all but the last. */
    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.TIMEOUT)
    void multishotTimeoutFiresRepeatedly(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            maybeAsync(ring.getSqe().prepTimeout(KernelTimespec.allocate(arena, Duration.ofMillis(10)), 3,
                    TimeoutOps.TIMEOUT_MULTISHOT).userData(7), async);
            List<Completion> shots = submitAndAwait(ring, 3);
            for (int i = 0; i < 3; i++) {
                assertEquals(7, shots.get(i).userData());
                assertEquals(-Errno.ETIME.code(), shots.get(i).res());
                assertEquals(i < 2, shots.get(i).more(), "F_MORE on shot " + i);
            }
            assertNoCqe(ring, Duration.ofMillis(50));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.TIMEOUT_REMOVE)
    void timeoutRemoveCancelsAPendingTimeout(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            ring.getSqe().prepTimeout(KernelTimespec.allocate(arena, Duration.ofSeconds(10)), 0, 0).userData(1);
            assertEquals(1, ring.submit());
            maybeAsync(ring.getSqe().prepTimeoutRemove(1, 0).userData(2), async);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(2L).res());
            assertEquals(-Errno.ECANCELED.code(), m.get(1L).res());

            maybeAsync(ring.getSqe().prepTimeoutRemove(1, 0).userData(3), async);
            expect(ring, -Errno.ENOENT.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.TIMEOUT_REMOVE)
    void timeoutUpdateRearmsTheTimer(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            ring.getSqe().prepTimeout(KernelTimespec.allocate(arena, Duration.ofSeconds(20)), 0, 0).userData(1);
            assertEquals(1, ring.submit());
            long start = System.nanoTime();
            Sqe up = maybeAsync(ring.getSqe().prepTimeoutUpdate(KernelTimespec.allocate(arena, Duration.ofMillis(20)), 1, 0)
                    .userData(2), async);
            assertEquals(TimeoutOps.TIMEOUT_UPDATE, up.getOpFlags());
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(2L).res());
            assertEquals(-Errno.ETIME.code(), m.get(1L).res(), "fires at the new, shorter time");
            assertTrue(System.nanoTime() - start < 10_000_000_000L);
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.LINK_TIMEOUT)
    void linkTimeoutCancelsASlowRequest(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0)) {
            maybeAsync(ring.getSqe().prepRead(pipe.readFd(), arena.allocate(16), 0).userData(1), async)
                    .flag(SqeFlag.IO_LINK);
            ring.getSqe().prepLinkTimeout(KernelTimespec.allocate(arena, Duration.ofMillis(30)), 0).userData(2);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertCancelled(m.get(1L));
            assertEquals(-Errno.ETIME.code(), m.get(2L).res());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.TIMEOUT_REMOVE)
    void linkTimeoutUpdateShortensTheLinkTimeout(boolean async) {
        requires(Opcode.LINK_TIMEOUT);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0)) {
            ring.getSqe().prepRead(pipe.readFd(), arena.allocate(16), 0).userData(1).flag(SqeFlag.IO_LINK);
            ring.getSqe().prepLinkTimeout(KernelTimespec.allocate(arena, Duration.ofSeconds(20)), 0).userData(2);
            assertEquals(2, ring.submit());
            Sqe up = maybeAsync(ring.getSqe().prepLinkTimeoutUpdate(KernelTimespec.allocate(arena, Duration.ofMillis(20)), 2, 0)
                    .userData(3), async);
            assertEquals(TimeoutOps.TIMEOUT_UPDATE | TimeoutOps.LINK_TIMEOUT_UPDATE, up.getOpFlags());
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 3));
            assertEquals(0, m.get(3L).res());
            assertCancelled(m.get(1L));
            assertEquals(-Errno.ETIME.code(), m.get(2L).res());
        }
    }

    @Test
    void timespecSegmentIsChecked() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            MemorySegment shortTs = arena.allocate(8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ring.getSqe().prepLinkTimeout(shortTs, 0));
            assertTrue(e.getMessage().contains("16") && e.getMessage().contains("8"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ring.getSqe().prepTimeoutUpdate(shortTs, 1, 0));
        }
    }
}
