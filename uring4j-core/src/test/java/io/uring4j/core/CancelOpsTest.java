package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.OpTesting.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.Map;

import static io.uring4j.core.OpTesting.*;
import static io.uring4j.core.TimeoutOpsTest.assertCancelled;
import static io.uring4j.core.TimeoutOpsTest.byUserData;
import static org.junit.jupiter.api.Assertions.*;

/** ASYNC_CANCEL by user_data, by fd, and of everything, against reads blocked on empty pipes. */
@Timeout(30)
class CancelOpsTest {

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.ASYNC_CANCEL)
    void cancelByUserData(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0)) {
            maybeAsync(ring.getSqe().prepRead(pipe.readFd(), arena.allocate(8), 0).userData(11), async);
            maybeAsync(ring.getSqe().prepRead(pipe.readFd(), arena.allocate(8), 0).userData(12), async);
            assertEquals(2, ring.submit());
            assertNoCqe(ring, Duration.ofMillis(20));
            maybeAsync(ring.getSqe().prepCancel64(11, 0).userData(1), async);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(1L).res());
            assertCancelled(m.get(11L));

            maybeAsync(ring.getSqe().prepCancel(12, 0).userData(2), async);
            m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(2L).res());
            assertCancelled(m.get(12L));

            maybeAsync(ring.getSqe().prepCancel64(12, 0).userData(3), async);
            expect(ring, -Errno.ENOENT.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.ASYNC_CANCEL)
    void cancelAllOnAnFd(boolean async) {
        requires(Opcode.ASYNC_CANCEL);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe a = Pipe.open(0); Pipe b = Pipe.open(0)) {
            for (int i = 0; i < 3; i++) {
                maybeAsync(ring.getSqe().prepRead(a.readFd(), arena.allocate(8), 0).userData(20 + i), async);
            }
            maybeAsync(ring.getSqe().prepRead(b.readFd(), arena.allocate(8), 0).userData(30), async);
            assertEquals(4, ring.submit());
            // let forced-async reads reach their parked state (waiting on the pipe) first: a cancel
            // that races a worker between its first attempt and arming the wait can miss it
            assertNoCqe(ring, Duration.ofMillis(30));
            Sqe cancel = maybeAsync(ring.getSqe().prepCancelFd(a.readFd(), CancelOps.CANCEL_ALL).userData(1), async);
            assertEquals(CancelOps.CANCEL_ALL | CancelOps.CANCEL_FD, cancel.getOpFlags());
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 4));
            assertEquals(3, m.get(1L).res(), "CANCEL_ALL reports how many it cancelled");
            for (int i = 0; i < 3; i++) assertCancelled(m.get(20L + i));
            assertFalse(m.containsKey(30L), "the read on the other pipe is untouched");

            maybeAsync(ring.getSqe().prepCancel64(0, CancelOps.CANCEL_ANY | CancelOps.CANCEL_ALL).userData(2), async);
            m = byUserData(submitAndAwait(ring, 2));
            assertEquals(1, m.get(2L).res());
            assertCancelled(m.get(30L));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.ASYNC_CANCEL)
    void cancelAllOfOneOpcode(boolean async) {
        requires(Opcode.ASYNC_CANCEL);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe a = Pipe.open(0); Pipe b = Pipe.open(0)) {
            maybeAsync(ring.getSqe().prepRead(a.readFd(), arena.allocate(8), 0).userData(40), async);
            maybeAsync(ring.getSqe().prepRead(b.readFd(), arena.allocate(8), 0).userData(41), async);
            maybeAsync(ring.getSqe().prepPollAdd(b.readFd(), 1 /* POLLIN */).userData(42), async);
            assertEquals(3, ring.submit());
            assertNoCqe(ring, Duration.ofMillis(30));
            Sqe cancel = maybeAsync(ring.getSqe().prepCancelOp(Opcode.READ, CancelOps.CANCEL_ALL).userData(1), async);
            assertEquals(Opcode.READ.code(), cancel.getLen(), "the opcode to match travels in len");
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 3));
            assertEquals(2, m.get(1L).res(), "both reads, not the poll");
            assertCancelled(m.get(40L));
            assertCancelled(m.get(41L));
            assertFalse(m.containsKey(42L), "the poll is untouched");
            ring.getSqe().prepCancelOp(Opcode.POLL_ADD, 0).userData(2);
            m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(2L).res());
            assertCancelled(m.get(42L));
        }
    }

    @Test
    void cancelFlagValuesMatchTheUapi() {
        assertEquals(1, CancelOps.CANCEL_ALL);
        assertEquals(2, CancelOps.CANCEL_FD);
        assertEquals(4, CancelOps.CANCEL_ANY);
        assertEquals(8, CancelOps.CANCEL_FD_FIXED);
        assertEquals(16, CancelOps.CANCEL_USERDATA);
        assertEquals(32, CancelOps.CANCEL_OP);
    }
}
