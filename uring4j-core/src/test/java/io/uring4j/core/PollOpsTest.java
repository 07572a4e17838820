package io.uring4j.core;

import io.uring4j.core.OpTesting.Completion;
import io.uring4j.core.OpTesting.Fd;
import io.uring4j.core.OpTesting.Pipe;
import io.uring4j.core.internal.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Map;

import static io.uring4j.core.OpTesting.*;
import static io.uring4j.core.TimeoutOpsTest.byUserData;
import static org.junit.jupiter.api.Assertions.*;

/** POLL_ADD (one-shot and multishot), POLL_REMOVE (remove and update), EPOLL_CTL and EPOLL_WAIT on pipes. */
@Timeout(30)
class PollOpsTest {

    private static void writeByte(Pipe pipe, Arena arena) {
        assertEquals(1, Posix.write(pipe.writeFd(), arena.allocate(1), 1));
    }

    private static void drain(Pipe pipe, Arena arena) {
        assertTrue(Posix.read(pipe.readFd(), arena.allocate(64), 64) > 0);
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.POLL_ADD)
    void pollAddFiresOnceWhenReadable(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0)) {
            maybeAsync(ring.getSqe().prepPollAdd(pipe.readFd(), PollOps.POLLIN).userData(1), async);
            assertEquals(1, ring.submit());
            assertNoCqe(ring, Duration.ofMillis(30));
            writeByte(pipe, arena);
            Completion c = await(ring);
            assertEquals(1, c.userData());
            assertEquals(PollOps.POLLIN, c.res() & PollOps.POLLIN, c::toString);
            assertFalse(c.more(), "one-shot poll");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers({Opcode.POLL_ADD, Opcode.POLL_REMOVE})
    void multishotPollStaysArmedUntilRemoved(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0)) {
            Sqe sqe = maybeAsync(ring.getSqe().prepPollMultishot(pipe.readFd(), PollOps.POLLIN).userData(1), async);
            assertEquals(PollOps.POLL_ADD_MULTI, sqe.getLen());
            assertEquals(1, ring.submit());
            for (int i = 0; i < 2; i++) {
                writeByte(pipe, arena);
                Completion c = await(ring);
                assertEquals(PollOps.POLLIN, c.res() & PollOps.POLLIN, c::toString);
                assertTrue(c.more(), "multishot poll keeps going: " + c);
                drain(pipe, arena);
            }
            maybeAsync(ring.getSqe().prepPollRemove(1).userData(2), async);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(2L).res());
            assertEquals(-Errno.ECANCELED.code(), m.get(1L).res());
            assertFalse(m.get(1L).more(), "the last CQE of a multishot has no MORE");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.POLL_REMOVE)
    void pollRemoveOfUnknownUserDataFails(boolean async) {
        try (IoUring ring = IoUring.open(8)) {
            maybeAsync(ring.getSqe().prepPollRemove(12345).userData(1), async);
            expect(ring, -Errno.ENOENT.code());
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.POLL_REMOVE)
    void pollUpdateChangesEventsAndUserData(boolean async) {
        try (IoUring ring = IoUring.open(8); Pipe pipe = Pipe.open(0)) {
            // POLLPRI never fires on a pipe; updating the mask to POLLOUT makes it fire at once
            ring.getSqe().prepPollAdd(pipe.writeFd(), PollOps.POLLPRI).userData(1);
            assertEquals(1, ring.submit());
            assertNoCqe(ring, Duration.ofMillis(20));
            maybeAsync(ring.getSqe().prepPollUpdate(1, 77, PollOps.POLLOUT,
                    PollOps.POLL_UPDATE_EVENTS | PollOps.POLL_UPDATE_USER_DATA).userData(2), async);
            Map<Long, Completion> m = byUserData(submitAndAwait(ring, 2));
            assertEquals(0, m.get(2L).res());
            assertEquals(PollOps.POLLOUT, m.get(77L).res() & PollOps.POLLOUT, "fires under its new user_data");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.EPOLL_CTL)
    void epollCtlAddsAndRemovesLikeTheSyscall(boolean async) {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0);
             Fd ep = new Fd(Posix.epollCreate1(FsOps.O_CLOEXEC))) {
            assertTrue(ep.fd() >= 0);
            MemorySegment ev = EpollEvent.allocate(arena, PollOps.POLLIN, 0xDEAD_BEEF_CAFEL);
            maybeAsync(ring.getSqe().prepEpollCtl(ep.fd(), pipe.readFd(), PollOps.EPOLL_CTL_ADD, ev).userData(1), async);
            expect(ring, 0);
            writeByte(pipe, arena);
            MemorySegment out = EpollEvent.allocate(arena, 4);
            assertEquals(1, Posix.epollWait(ep.fd(), out, 4, 1000));
            assertEquals(0xDEAD_BEEF_CAFEL, EpollEvent.data(out, 0));
            assertEquals(PollOps.POLLIN, EpollEvent.events(out, 0) & PollOps.POLLIN);

            maybeAsync(ring.getSqe().prepEpollCtl(ep.fd(), pipe.readFd(), PollOps.EPOLL_CTL_ADD, ev).userData(2), async);
            expect(ring, Posix.epollCtl(ep.fd(), PollOps.EPOLL_CTL_ADD, pipe.readFd(), ev)); // -EEXIST both ways
            maybeAsync(ring.getSqe().prepEpollCtl(ep.fd(), pipe.readFd(), PollOps.EPOLL_CTL_DEL, MemorySegment.NULL)
                    .userData(3), async);
            expect(ring, 0);
            assertEquals(0, Posix.epollWait(ep.fd(), out, 4, 0), "nothing watched any more");
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    @Covers(Opcode.EPOLL_WAIT)
    void epollWaitThroughTheRing(boolean async) {
        requires(Opcode.EPOLL_WAIT);
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined(); Pipe pipe = Pipe.open(0);
             Fd ep = new Fd(Posix.epollCreate1(FsOps.O_CLOEXEC))) {
            assertEquals(0, Posix.epollCtl(ep.fd(), PollOps.EPOLL_CTL_ADD, pipe.readFd(),
                    EpollEvent.allocate(arena, PollOps.POLLIN, 42)));
            MemorySegment out = EpollEvent.allocate(arena, 8);
            maybeAsync(ring.getSqe().prepEpollWait(ep.fd(), out, 8, 0).userData(1), async);
            assertEquals(1, ring.submit());
            assertNoCqe(ring, Duration.ofMillis(30));
            writeByte(pipe, arena);
            Completion c = await(ring);
            assertEquals(1, c.res(), c::toString);
            assertEquals(42, EpollEvent.data(out, 0));
            assertEquals(PollOps.POLLIN, EpollEvent.events(out, 0) & PollOps.POLLIN);
        }
    }

    @Test
    void epollArgumentsAreChecked() {
        try (IoUring ring = IoUring.open(4); Arena arena = Arena.ofConfined()) {
            Sqe sqe = ring.getSqe();
            MemorySegment two = EpollEvent.allocate(arena, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sqe.prepEpollWait(3, two, 3, 0));
            assertTrue(e.getMessage().contains(String.valueOf(3 * EpollEvent.BYTES)), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> sqe.prepEpollCtl(3, 4, PollOps.EPOLL_CTL_ADD, MemorySegment.NULL));
            // the kernel packs struct epoll_event on x86-64 only
            assertEquals("amd64".equals(System.getProperty("os.arch")) ? 12 : 16, EpollEvent.BYTES);
        }
    }
}
