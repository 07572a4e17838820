package io.uring4j.core;

import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IoUring#submitAndGetEvents()} (liburing's {@code io_uring_submit_and_get_events}): on a
 * DEFER_TASKRUN ring a completion the kernel deferred to the submitting thread (a pipe read whose
 * data came after it was armed) is in the CQ after it, where a plain {@link IoUring#submit()}
 * leaves it pending. The runtime's loop relies on it while busy.
 */
class SubmitAndGetEventsTest {
    @Test
    void deferredCompletionsAreRunBySubmitAndGetEventsNotBySubmit() throws Exception {
        int[] pipe = new int[2];
        assertEquals(0, Posix.pipe(pipe, FsOps.O_CLOEXEC));
        try (Arena arena = Arena.ofConfined();
             IoUring ring = IoUring.open(8, SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN)) {
            MemorySegment buf = arena.allocate(16);
            ring.getSqe().prepRead(pipe[0], buf, 16, -1).userData(7);
            assertEquals(1, ring.submit());
            assertEquals(0, ring.cqReady(), "nothing to read yet: the read waits (armed poll)");
            MemorySegment data = arena.allocateFrom("hi");
            assertEquals(3, Posix.write(pipe[1], data, 3));
            Thread.sleep(50); // the wakeup queued the read's task work to this thread
            ring.submit(); // nothing to submit: no enter, the task work stays pending
            assertEquals(0, ring.cqReady(), "a plain submit runs no deferred task work");
            ring.submitAndGetEvents();
            assertEquals(1, ring.cqReady(), "submitAndGetEvents ran it");
            Cqe cqe = ring.peekCqe();
            assertEquals(7, cqe.userData());
            assertEquals(3, cqe.res());
            ring.cqeSeen(cqe);
            // and it submits too, in the same call
            ring.getSqe().prepNop().userData(8);
            assertEquals(1, ring.submitAndGetEvents());
            assertTrue(ring.cqReady() >= 1, "the NOP completed inline");
        } finally {
            Posix.close(pipe[0]);
            Posix.close(pipe[1]);
        }
    }
}
